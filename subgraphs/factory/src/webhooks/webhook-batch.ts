import type { Collection, Db, ObjectId } from 'mongodb';
import type { ProductionOrderDoc, WebhookDelivery, WebhookState } from '../production/production-order.ts';

export const WEBHOOK_BATCHES = 'production_webhooks';

/**
 * One completion webhook as sent, `_id` = its webhook id: its delivery is recorded here once per
 * attempt, not on each production order it carries. A production order names its batch in
 * `webhook.webhookId` (written with its completion, after the batch was opened) and keeps
 * `webhook.state: 'PENDING'`; its delivery is what the batch says. A batch refused as a whole is
 * SPLIT: its parts are batches of their own, and its production orders name their part instead.
 */
export interface WebhookBatchDoc {
  _id: string;
  state: WebhookState | 'SPLIT';
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  openedAt: Date;
  /** The production orders it carries, recorded with each attempt. */
  completions?: ObjectId[];
}

export type BatchDelivery = Omit<WebhookBatchDoc, '_id' | 'openedAt' | 'completions'>;

/** A production order's webhook as the API shows it: its batch's delivery, when it has one. */
export function deliveryOf(
  doc: ProductionOrderDoc,
  batch: WebhookBatchDoc | null | undefined,
): WebhookDelivery | null {
  if (!doc.webhook || doc.webhook.state !== 'PENDING' || !batch || batch.state === 'SPLIT')
    return doc.webhook;
  const { state, attempts, lastError, lastAttemptAt, nextAttemptAt, deliveredAt } = batch;
  return { webhookId: batch._id, state, attempts, lastError, lastAttemptAt, nextAttemptAt, deliveredAt };
}

const MAX_CACHED = 100_000;

/** The only code that reads and writes `production_webhooks`; the owner keeps what it wrote in memory. */
export class WebhookBatchRepository {
  readonly collection: Collection<WebhookBatchDoc>;
  private readonly cache: Map<string, WebhookBatchDoc> | undefined;

  constructor(db: Db, options: { cache?: boolean } = {}) {
    this.collection = db.collection<WebhookBatchDoc>(WEBHOOK_BATCHES);
    this.cache = options.cache ? new Map() : undefined;
  }

  /** Batches by `_id`, one lookup each not in memory (FerretDB scans for `$in`). */
  async byIds(ids: Iterable<string>): Promise<Map<string, WebhookBatchDoc>> {
    const found = new Map<string, WebhookBatchDoc>();
    await Promise.all(
      [...new Set(ids)].map(async (_id) => {
        const doc = this.cache?.get(_id) ?? (await this.collection.findOne({ _id }));
        if (!doc) return;
        found.set(_id, doc);
        this.remember(doc);
      }),
    );
    return found;
  }

  /** Production orders with their batch's delivery in `webhook`. */
  async resolve(docs: ProductionOrderDoc[]): Promise<ProductionOrderDoc[]> {
    const ids = docs.flatMap((doc) => (doc.webhook?.state === 'PENDING' ? [doc.webhook.webhookId] : []));
    if (ids.length === 0) return docs;
    const batches = await this.byIds(ids);
    return docs.map((doc) => {
      const batch = doc.webhook ? batches.get(doc.webhook.webhookId) : undefined;
      return batch ? { ...doc, webhook: deliveryOf(doc, batch) } : doc;
    });
  }

  /** The batches not DELIVERED, by state (a scan of the batches, far fewer than the production orders). */
  async undelivered(): Promise<Record<'PENDING' | 'FAILED' | 'SPLIT', WebhookBatchDoc[]>> {
    const docs = await this.collection.find({ state: { $ne: 'DELIVERED' } }).toArray();
    const of = (state: WebhookBatchDoc['state']) => docs.filter((doc) => doc.state === state);
    return { PENDING: of('PENDING'), FAILED: of('FAILED'), SPLIT: of('SPLIT') };
  }

  /** The group commit's writes, by `_id` (applied in the order given). */
  async apply(
    writes: readonly { id: string; set?: Record<string, unknown>; upsert?: true; remove?: true }[],
  ) {
    await this.collection.bulkWrite(
      writes.map(({ id, set, upsert, remove }) =>
        remove
          ? { deleteOne: { filter: { _id: id } } }
          : { updateOne: { filter: { _id: id }, update: { $set: set! }, upsert: Boolean(upsert) } },
      ),
      { ordered: true },
    );
    if (!this.cache) return;
    for (const { id, set, remove } of writes) {
      const cached = this.cache.get(id);
      if (remove) this.cache.delete(id);
      else if (cached) this.cache.set(id, { ...cached, ...set });
      else if (set && 'openedAt' in set) this.remember({ _id: id, ...set } as WebhookBatchDoc);
    }
  }

  private remember(doc: WebhookBatchDoc) {
    if (!this.cache) return;
    this.cache.delete(doc._id);
    this.cache.set(doc._id, doc);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }
}
