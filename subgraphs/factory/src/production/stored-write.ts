import type { ObjectId } from 'mongodb';

/** The factory's collections the group commit writes: production orders, webhook batches, live records. */
export type WriteTarget = 'orders' | 'webhooks' | 'live';

/** One `_id`-keyed write: a `$set` (creating the document when `upsert`) or a removal. */
export interface StoredWrite {
  target: WriteTarget;
  id: ObjectId | string;
  set?: Record<string, unknown>;
  upsert?: true;
  remove?: true;
}

/**
 * The order a flush applies its writes in, by kind (each kind in the order queued): batches opened,
 * then batch deliveries, production orders, live records removed. So a completion is stored with
 * or after the batch it names, a record removed after the deliveries that made it final, and a
 * flush costs a few commands however its writes interleave; FerretDB runs an update command's
 * statements in one SQLite transaction only when none upserts (tools/ferretdb), hence the upserts
 * apart. (A split batch may be stored SPLIT before its orders name their parts: a crash between
 * the two leaves them PENDING on the batch, which the restart sends, and splits, again.)
 */
export const applyRank = (write: StoredWrite) =>
  write.target === 'webhooks' ? (write.upsert ? 0 : 1) : write.target === 'orders' ? 2 : 3;
