import { ObjectId, type Collection, type Db } from 'mongodb';
import type { GroupCommit } from './group-commit.ts';

export const LIVE_RECORDS = 'production_live';

/**
 * Which production orders may still be live (QUEUED, IN_PRODUCTION, or a completion whose webhook
 * is not DELIVERED or FAILED): one document per receipt batch, inserted before its production
 * orders and removed once every one of them is final. The factory's start reads these and then its
 * production orders by `_id`, so it costs what is live, not the stored history (FerretDB scans a
 * collection for any filter but `_id`). The document `_id: 'listed'` says every live order since
 * is listed: without it (data of an earlier version) the start scans once and writes it.
 */
export interface LiveRecordDoc {
  _id: ObjectId | 'listed';
  orders: ObjectId[];
  at: Date;
}

export const LISTED = 'listed' as const;

export class LiveRecordStore {
  readonly collection: Collection<LiveRecordDoc>;

  constructor(db: Db) {
    this.collection = db.collection<LiveRecordDoc>(LIVE_RECORDS);
  }

  /** Lists production orders about to be inserted; returns the record's id. */
  async insert(orders: readonly ObjectId[]): Promise<ObjectId> {
    const _id = new ObjectId();
    await this.collection.insertOne({ _id, orders: [...orders], at: new Date() });
    return _id;
  }

  /** Every record (a small collection: only what may be live), and whether the marker is there. */
  async all(): Promise<{ records: LiveRecordDoc[]; listed: boolean }> {
    const docs = await this.collection.find({}).toArray();
    return {
      records: docs.filter((doc) => doc._id !== LISTED),
      listed: docs.some((doc) => doc._id === LISTED),
    };
  }

  async markListed(): Promise<void> {
    await this.collection.updateOne(
      { _id: LISTED },
      { $set: { orders: [], at: new Date() } },
      { upsert: true },
    );
  }
}

/**
 * The owner's count of live production orders per record: a record is removed (through the group
 * commit, after the writes that made its last order final) once none is left.
 */
export class LiveRecords {
  private readonly left = new Map<string, { id: ObjectId; count: number }>();
  private readonly recordOf = new Map<string, string>();
  private readonly commit: GroupCommit;

  constructor(commit: GroupCommit) {
    this.commit = commit;
  }

  /** The record's orders still live (the others are final, or were never stored). */
  track(record: ObjectId, orders: readonly ObjectId[]): void {
    const key = record.toHexString();
    let count = 0;
    for (const order of orders) {
      const hex = order.toHexString();
      if (this.recordOf.has(hex)) continue; // listed again by a later receipt: counted once
      this.recordOf.set(hex, key);
      count++;
    }
    if (count) this.left.set(key, { id: record, count: (this.left.get(key)?.count ?? 0) + count });
    else if (!this.left.has(key)) void this.commit.remove('live', record);
  }

  /** These orders are final (their webhook DELIVERED or FAILED, queued in the group commit). */
  settle(orders: readonly ObjectId[]): void {
    for (const order of orders) {
      const hex = order.toHexString();
      const key = this.recordOf.get(hex);
      if (!key) continue;
      this.recordOf.delete(hex);
      const entry = this.left.get(key)!;
      if (--entry.count > 0) continue;
      this.left.delete(key);
      void this.commit.remove('live', entry.id);
    }
  }

  get size(): number {
    return this.recordOf.size;
  }
}
