import { MAX_COMPLETIONS_PER_WEBHOOK } from '#clients/completion-webhook.ts';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import type { GroupCommit } from '../production/group-commit.ts';
import type { ProductionOrderDoc, WebhookDelivery } from '../production/production-order.ts';
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
  /** Stays the same across the batch's attempts (a lone completion keeps its own `po_…` id). */
  webhookId: string;
  docs: ProductionOrderDoc[];
  receiptWaits: number;
}

/**
 * Sends the completion webhooks owed by completed production orders, up to 500 completions in one
 * signed webhook (the contract in packages/clients/src/completion-webhook.ts), a few webhooks at
 * a time. State lives in this process (the factory's owner) and every outcome is stored through
 * the group commit: DELIVERED, or PENDING with the attempt, the error and when the next attempt is
 * due, or FAILED after `maxAttempts`. A batch refused as a whole for one completion is split, so
 * the others go through; one whose receipts are not yet recorded is retried within a second.
 * After a crash the PENDING ones are restored at start and sent again (the receiver is idempotent).
 */
export class WebhookService {
  private ready: ProductionOrderDoc[] = [];
  private inFlight = 0;
  private readonly attempts = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private readonly commit: GroupCommit;
  private readonly policy: WebhookPolicy;
  private readonly logger: Logger;

  constructor(commit: GroupCommit, policy: WebhookPolicy, logger: Logger) {
    this.commit = commit;
    this.policy = policy;
    this.logger = logger;
  }

  /** Completed orders whose webhook is PENDING: sent now, or when their next attempt is due. */
  owe(docs: readonly ProductionOrderDoc[]): void {
    const now = Date.now();
    for (const doc of docs) {
      const due = doc.webhook?.nextAttemptAt?.getTime() ?? now;
      if (due <= now) this.ready.push(doc);
      else this.later(due - now, () => this.owe([doc]));
    }
    this.pump();
  }

  /** Stops sending and waits for the webhooks under way (on shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.all(this.attempts);
  }

  private pump() {
    while (!this.stopped && this.ready.length && this.inFlight < IN_FLIGHT) {
      const docs = this.ready.splice(0, MAX_COMPLETIONS_PER_WEBHOOK);
      const webhookId =
        docs.length === 1 ? docs[0]!.webhook!.webhookId : `pb_${docs[0]!._id.toHexString()}_${docs.length}`;
      this.send({ webhookId, docs, receiptWaits: 0 });
    }
  }

  private send(batch: Batch) {
    this.inFlight++;
    const attempt = this.attempt(batch)
      .catch((error: unknown) => this.logger.error({ err: error }, 'completion webhook attempt failed'))
      .finally(() => {
        this.inFlight--;
        this.attempts.delete(attempt);
        this.pump();
      });
    this.attempts.add(attempt);
  }

  private async attempt(batch: Batch) {
    const startedAt = new Date();
    const result = await sendWebhook(this.policy, batch.webhookId, batch.docs);
    const at = new Date();
    if (result.ok) {
      for (const doc of batch.docs)
        this.record(doc, {
          state: 'DELIVERED',
          attempts: doc.webhook!.attempts + 1,
          lastAttemptAt: startedAt,
          deliveredAt: at,
          nextAttemptAt: null,
          lastError: null,
        });
      return;
    }
    if (result.retryable) {
      // Counted as an attempt, but not towards giving up: the order service asked for this retry.
      const delay = backoffDelay(batch.receiptWaits++, RECEIPT_RETRY);
      for (const doc of batch.docs)
        this.record(doc, {
          attempts: doc.webhook!.attempts + 1,
          lastAttemptAt: startedAt,
          nextAttemptAt: new Date(at.getTime() + delay),
          lastError: result.error,
        });
      return this.later(delay, () => this.send(batch));
    }
    if (result.refused && batch.docs.length > 1) {
      // One completion refused the whole batch: each half goes again on its own, the culprit alone at last.
      const half = Math.ceil(batch.docs.length / 2);
      for (const docs of [batch.docs.slice(0, half), batch.docs.slice(half)]) {
        const webhookId =
          docs.length === 1 ? docs[0]!.webhook!.webhookId : `pb_${docs[0]!._id.toHexString()}_${docs.length}`;
        this.send({ webhookId, docs, receiptWaits: 0 });
      }
      return;
    }
    this.failed(batch, result.error, startedAt, at);
  }

  private failed(batch: Batch, error: string, startedAt: Date, at: Date) {
    const attempts = Math.max(...batch.docs.map((doc) => doc.webhook!.attempts)) + 1;
    if (attempts - batch.receiptWaits >= this.policy.maxAttempts) {
      this.logger.error(
        { webhookId: batch.webhookId, attempts, error },
        'completion webhook failed for good',
      );
      for (const doc of batch.docs)
        this.record(doc, {
          state: 'FAILED',
          attempts,
          lastAttemptAt: startedAt,
          nextAttemptAt: null,
          lastError: error,
        });
      return;
    }
    const delay = backoffDelay(attempts - 1, {
      baseMs: this.policy.retryBaseMs,
      maxMs: this.policy.retryMaxMs,
      jitter: 'equal',
    });
    const retryAt = new Date(at.getTime() + delay);
    this.logger.warn(
      { webhookId: batch.webhookId, attempts, error, retryAt },
      'completion webhook failed, will retry',
    );
    for (const doc of batch.docs)
      this.record(doc, { attempts, lastAttemptAt: startedAt, nextAttemptAt: retryAt, lastError: error });
    this.later(delay, () => this.send(batch));
  }

  /** The webhook's new state, in memory and through the group commit (the whole subdocument, by `_id`). */
  private record(doc: ProductionOrderDoc, change: Partial<WebhookDelivery>) {
    doc.webhook = { ...doc.webhook!, ...change };
    void this.commit.set(doc._id, { webhook: doc.webhook });
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
