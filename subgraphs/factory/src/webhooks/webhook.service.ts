import { MAX_COMPLETIONS_PER_WEBHOOK } from '#clients/completion-webhook.ts';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import type { GroupCommit } from '../production/group-commit.ts';
import type { LiveRecords } from '../production/live-records.ts';
import { webhookIdFor, type ProductionOrderDoc } from '../production/production-order.ts';
import type { CompletionSink } from '../production/production.service.ts';
import type { BatchDelivery, WebhookBatchDoc } from './webhook-batch.ts';
import { sendWebhook, type WebhookSettings } from './webhook-sender.ts';

export interface WebhookPolicy extends WebhookSettings {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Webhooks under way at once: enough to keep the receiver busy, few enough that batches fill up. */
const IN_FLIGHT = 4;
/** "Receipt not yet recorded" (409, retryable) clears as soon as the order service commits: retry soon. */
const RECEIPT_RETRY = { baseMs: 100, maxMs: 1000, jitter: 'equal' } as const;

interface Batch {
  /** `po_<its first production order>`; stays the same across the batch's attempts. */
  webhookId: string;
  docs: ProductionOrderDoc[];
  /** Completions assigned whose write is not yet stored: the batch is sent once none is left. */
  unstored: number;
  /** Holds one of the slots: it goes once its completions are stored (none joins it any more). */
  slotted: boolean;
  attempts: number;
  receiptWaits: number;
}

/**
 * Sends the completion webhooks, up to 500 completions in one signed webhook (the contract in
 * packages/clients/src/completion-webhook.ts), a few webhooks at a time. A completion joins the
 * open batch when it is decided, and its write names the batch (stored by the same or an earlier
 * group commit; a completion whose batch a crash left unstored is PENDING on its own until the
 * restart stores it); the batch is sealed when a slot is free and sent once its completions are
 * stored, so no webhook announces a completion a crash could undo. Each outcome is stored once for the batch
 * (webhook-batch.ts): DELIVERED, PENDING with the attempt, the error and when the next is due, or
 * FAILED after `maxAttempts`; a final one settles the batch's live records. A batch refused as a
 * whole is split (its orders then name their part), so the others go through; one whose receipts
 * are not yet recorded is retried within a second. After a crash the PENDING batches are restored
 * at start and sent again (the receiver is idempotent).
 */
export class WebhookService implements CompletionSink {
  private open: Batch | null = null;
  private readonly batches = new Map<string, Batch>();
  private readonly ready: Batch[] = [];
  private inFlight = 0;
  private readonly attempts = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private readonly commit: GroupCommit;
  private readonly live: LiveRecords;
  private readonly policy: WebhookPolicy;
  private readonly logger: Logger;

  constructor(deps: { commit: GroupCommit; live: LiveRecords }, policy: WebhookPolicy, logger: Logger) {
    this.commit = deps.commit;
    this.live = deps.live;
    this.policy = policy;
    this.logger = logger;
  }

  assign(doc: ProductionOrderDoc, now: Date): string {
    if (this.open && this.open.docs.length >= MAX_COMPLETIONS_PER_WEBHOOK) {
      this.ready.push(this.open); // full: it waits for a slot
      this.open = null;
    }
    this.open ??= this.opened(webhookIdFor(doc), [], 0, now);
    this.open.docs.push(doc);
    this.open.unstored++;
    return this.open.webhookId;
  }

  stored(docs: ProductionOrderDoc[]): void {
    for (const doc of docs) {
      const batch = this.batches.get(doc.webhook!.webhookId);
      if (batch && --batch.unstored === 0 && batch.slotted) this.run(batch);
    }
    this.pump();
  }

  /** Completions restored at start whose webhook is PENDING, with their batches as stored. */
  restore(docs: readonly ProductionOrderDoc[], stored: ReadonlyMap<string, WebhookBatchDoc>): void {
    const groups = Map.groupBy(docs, (doc) => doc.webhook!.webhookId);
    const now = Date.now();
    for (const [webhookId, members] of groups) {
      const saved = stored.get(webhookId);
      // No batch stored: a webhook recorded on its order by an earlier version; it gets its batch now.
      const batch = saved
        ? this.opened(webhookId, members, saved.attempts)
        : this.opened(webhookId, members, members[0]!.webhook!.attempts, new Date());
      const due = (saved ?? members[0]!.webhook!).nextAttemptAt?.getTime() ?? now;
      if (due <= now) this.ready.push(batch);
      else this.later(due - now, () => (this.ready.push(batch), this.pump()));
    }
    this.pump();
  }

  /** Stops sending and waits for the webhooks under way (on shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.attempts);
  }

  /** A batch in memory; with `openedAt`, also stored (before any completion naming it). */
  private opened(webhookId: string, docs: ProductionOrderDoc[], attempts = 0, openedAt?: Date): Batch {
    const batch = { webhookId, docs, unstored: 0, slotted: false, attempts, receiptWaits: 0 };
    this.batches.set(webhookId, batch);
    if (openedAt) {
      const delivery: BatchDelivery = {
        state: 'PENDING',
        attempts,
        lastError: null,
        lastAttemptAt: null,
        nextAttemptAt: openedAt,
        deliveredAt: null,
      };
      void this.commit.upsert('webhooks', webhookId, { ...delivery, openedAt });
    }
    return batch;
  }

  /** Gives free slots to batches waiting (full, restored, due), then to the open one (sealing it). */
  private pump() {
    while (!this.stopped && this.inFlight < IN_FLIGHT) {
      let batch = this.ready.shift();
      if (!batch && this.open?.docs.length) {
        batch = this.open;
        this.open = null;
      }
      if (!batch) return;
      this.inFlight++;
      batch.slotted = true;
      if (batch.unstored === 0) this.run(batch);
    }
  }

  /** Sends a batch holding a slot (a sealed one, or a retry). */
  private run(batch: Batch) {
    const attempt = this.attempt(batch)
      .catch((error: unknown) => this.logger.error({ err: error }, 'completion webhook attempt failed'))
      .finally(() => {
        this.inFlight--;
        this.attempts.delete(attempt);
        this.pump();
      });
    this.attempts.add(attempt);
  }

  /** A retry or a part: sent now, over the slots (as a retry always was). */
  private send(batch: Batch) {
    this.inFlight++;
    batch.slotted = true;
    this.run(batch);
  }

  private async attempt(batch: Batch) {
    const startedAt = new Date();
    const result = await sendWebhook(this.policy, batch.webhookId, batch.docs);
    const at = new Date();
    const tried = { lastAttemptAt: startedAt, attempts: batch.attempts + 1 };
    if (result.ok) {
      return this.final(batch, {
        ...tried,
        state: 'DELIVERED',
        deliveredAt: at,
        nextAttemptAt: null,
        lastError: null,
      });
    }
    if (result.retryable) {
      // Counted as an attempt, but not towards giving up: the order service asked for this retry.
      const delay = backoffDelay(batch.receiptWaits++, RECEIPT_RETRY);
      this.record(batch, {
        ...tried,
        nextAttemptAt: new Date(at.getTime() + delay),
        lastError: result.error,
      });
      return this.later(delay, () => this.send(batch));
    }
    if (result.refused && batch.docs.length > 1) return this.split(batch, result.error, startedAt);
    if (tried.attempts - batch.receiptWaits >= this.policy.maxAttempts) {
      this.logger.error(
        { webhookId: batch.webhookId, ...tried, error: result.error },
        'completion webhook failed for good',
      );
      return this.final(batch, { ...tried, state: 'FAILED', nextAttemptAt: null, lastError: result.error });
    }
    const delay = backoffDelay(tried.attempts - 1, {
      baseMs: this.policy.retryBaseMs,
      maxMs: this.policy.retryMaxMs,
      jitter: 'equal',
    });
    const retryAt = new Date(at.getTime() + delay);
    this.logger.warn(
      { webhookId: batch.webhookId, ...tried, error: result.error, retryAt },
      'completion webhook failed, will retry',
    );
    this.record(batch, { ...tried, nextAttemptAt: retryAt, lastError: result.error });
    this.later(delay, () => this.send(batch));
  }

  /**
   * One completion refused the whole batch: each half goes again as a batch of its own, the culprit
   * alone at last. The halves are stored first, then each order's new batch, then the split.
   */
  private split(batch: Batch, error: string, startedAt: Date) {
    const half = Math.ceil(batch.docs.length / 2);
    const parts = [batch.docs.slice(0, half), batch.docs.slice(half)].map((docs, index) => {
      const part = this.opened(`${batch.webhookId}.${index + 1}`, docs, batch.attempts, new Date());
      for (const doc of docs) {
        doc.webhook = { ...doc.webhook!, webhookId: part.webhookId };
        void this.commit.set(doc._id, { webhook: doc.webhook });
      }
      return part;
    });
    this.record(batch, { state: 'SPLIT', lastAttemptAt: startedAt, lastError: error, nextAttemptAt: null });
    this.batches.delete(batch.webhookId);
    for (const part of parts) this.send(part);
  }

  private final(batch: Batch, change: Partial<BatchDelivery>) {
    this.record(batch, change);
    this.batches.delete(batch.webhookId);
    this.live.settle(batch.docs.map((doc) => doc._id));
  }

  /** The batch's new state, once for all its completions, through the group commit (by `_id`). */
  private record(batch: Batch, change: Partial<BatchDelivery>) {
    batch.attempts = change.attempts ?? batch.attempts;
    void this.commit.update('webhooks', batch.webhookId, {
      ...change,
      completions: batch.docs.map((doc) => doc._id),
    });
  }

  private later(ms: number, run: () => void) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) run();
    }, ms);
    this.timers.add(timer);
  }
}
