import type { ObjectId } from 'mongodb';
import type { ProductionOrderRepository } from '../production/production-order.repository.ts';
import type { ProductionOrderDoc } from '../production/production-order.ts';
import type { WebhookBatchDoc } from '../webhooks/webhook-batch.ts';

export interface LiveState {
  /** QUEUED, IN_PRODUCTION, and completions whose batch is PENDING, oldest first (as stored). */
  docs: ProductionOrderDoc[];
  /** The stored batches of those completions. */
  batches: Map<string, WebhookBatchDoc>;
  records: { _id: ObjectId; orders: ObjectId[] }[];
}

/**
 * What a factory's live state is rebuilt from at start, read by `_id` only: the live records, the
 * production orders they list, the batches of those completed. Data of an earlier version (no
 * `listed` marker) is scanned once instead, and what is live in it listed in one record.
 */
export async function readLiveState(orders: ProductionOrderRepository): Promise<LiveState> {
  const { records, listed } = await orders.live.all();
  let stored: ProductionOrderDoc[];
  const kept = records.map((record) => ({ _id: record._id as ObjectId, orders: record.orders }));
  if (listed) {
    const ids = new Map(records.flatMap((record) => record.orders).map((id) => [id.toHexString(), id]));
    stored = await orders.storedByIds([...ids.values()]);
  } else {
    stored = await orders.scanLive();
    if (stored.length) {
      const ids = stored.map((doc) => doc._id);
      kept.push({ _id: await orders.live.insert(ids), orders: ids });
    }
    await orders.live.markListed();
  }
  const batchIds = stored.flatMap((doc) => (doc.webhook?.state === 'PENDING' ? [doc.webhook.webhookId] : []));
  const batches = await orders.batches.byIds(batchIds);
  const docs = stored
    .filter((doc) => {
      if (doc.status !== 'COMPLETED') return true;
      if (doc.webhook?.state !== 'PENDING') return false;
      const batch = batches.get(doc.webhook.webhookId);
      return !batch || batch.state === 'PENDING' || batch.state === 'SPLIT';
    })
    .sort(
      (a, b) =>
        a.queuedAt.getTime() - b.queuedAt.getTime() || a._id.toHexString().localeCompare(b._id.toHexString()),
    );
  return { docs, batches, records: kept };
}
