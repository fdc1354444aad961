import type { ProductionOrderDoc } from './production-order.ts';

/**
 * The newest production orders as the owning process last wrote them, bounded (least recently
 * used go first). Only the factory's owner may keep one: every write to its production orders goes
 * through its repository, which keeps the cache in step, so a hit is what MongoDB holds. Entries
 * are replaced, never changed in place, so a doc handed out stays as it was.
 */
export class ProductionOrderCache {
  private readonly docs = new Map<string, ProductionOrderDoc>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get(key: string): ProductionOrderDoc | undefined {
    const doc = this.docs.get(key);
    if (doc) {
      this.docs.delete(key);
      this.docs.set(key, doc);
    }
    return doc;
  }

  put(doc: ProductionOrderDoc): void {
    const key = doc._id.toHexString();
    this.docs.delete(key);
    this.docs.set(key, { ...doc });
    if (this.docs.size > this.max) this.docs.delete(this.docs.keys().next().value!);
  }

  /** A `$set` just stored: applied to the cached copy, if there is one. */
  update(key: string, set: Partial<ProductionOrderDoc>): void {
    const doc = this.docs.get(key);
    if (doc) this.docs.set(key, { ...doc, ...set });
  }
}
