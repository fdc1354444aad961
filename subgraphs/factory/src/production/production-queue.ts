import type { ObjectId } from 'mongodb';

/**
 * The factory's queue of QUEUED production orders, oldest first, held in the one process that
 * owns the factory (its lease guarantees one). It spares every dispatch a query for the oldest
 * queued order, which FerretDB answers by scanning every production order stored. MongoDB stays
 * the truth: the queue is rebuilt from it at start and topped up by the sweep, and an order is
 * checked against its stored status (by `_id`) before it starts.
 */
export class ProductionQueue {
  private readonly order: ObjectId[] = [];
  private readonly members = new Set<string>();
  private head = 0;

  /** Appends the orders not already queued, in the order given. */
  add(ids: Iterable<ObjectId>): void {
    for (const id of ids) {
      const key = id.toHexString();
      if (this.members.has(key)) continue;
      this.members.add(key);
      this.order.push(id);
    }
  }

  peek(): ObjectId | undefined {
    return this.order[this.head];
  }

  /** Drops the head (it started, or is no longer QUEUED). */
  shift(): void {
    const id = this.order[this.head];
    if (!id) return;
    this.members.delete(id.toHexString());
    this.head++;
    // Compact now and then, so a long-running factory does not keep every id it ever queued.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.order.length - this.head;
  }
}
