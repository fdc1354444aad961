import type { Collection, Db, ObjectId } from 'mongodb';

/** One production line of a factory: free, or working on one production order. */
export interface ProductionLineDoc {
  _id: number;
  productionOrderId: ObjectId | null;
  since: Date | null;
}

/**
 * The factory's capacity, modelled as documents: claiming a line is one atomic
 * findOneAndUpdate, so no more than `count` orders are ever in production.
 */
export class ProductionLinesRepository {
  readonly collection: Collection<ProductionLineDoc>;
  readonly count: number;

  constructor(db: Db, count: number) {
    this.collection = db.collection<ProductionLineDoc>('production_lines');
    this.count = count;
  }

  /** Creates lines 1..count; lines beyond count (capacity lowered) are never claimed again. */
  async ensureLines(): Promise<void> {
    for (let line = 1; line <= this.count; line++) {
      await this.collection.updateOne(
        { _id: line },
        { $setOnInsert: { productionOrderId: null, since: null } },
        { upsert: true },
      );
    }
  }

  /** The line already held by this order (a start that crashed half-way), else a free one, claimed. */
  async claim(productionOrderId: ObjectId, now: Date): Promise<{ line: number; fresh: boolean } | null> {
    const held = await this.collection.findOne({ productionOrderId });
    if (held) return { line: held._id, fresh: false };
    const claimed = await this.collection.findOneAndUpdate(
      { _id: { $lte: this.count }, productionOrderId: null },
      { $set: { productionOrderId, since: now } },
      { sort: { _id: 1 }, returnDocument: 'after' },
    );
    return claimed ? { line: claimed._id, fresh: true } : null;
  }

  /** Frees the lines this order holds (or only `line`). */
  async release(productionOrderId: ObjectId, line?: number): Promise<void> {
    const filter = line === undefined ? { productionOrderId } : { _id: line, productionOrderId };
    await this.collection.updateMany(filter, { $set: { productionOrderId: null, since: null } });
  }

  held() {
    return this.collection.find({ productionOrderId: { $ne: null } }).toArray();
  }
}
