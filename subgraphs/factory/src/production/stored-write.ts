import type { ObjectId } from 'mongodb';

/** The factory's collections the group commit writes: production orders, webhook batches, live records. */
export type WriteTarget = 'orders' | 'webhooks' | 'live';

/** One `_id`-keyed write: a `$set` (an upsert for webhook batches) or a removal. */
export interface StoredWrite {
  target: WriteTarget;
  id: ObjectId | string;
  set?: Record<string, unknown>;
  remove?: true;
}
