import type { Logger } from '#kit/logger.ts';
import type { ObjectId } from 'mongodb';
import type { ProductionOrderRepository } from '../production/production-order.repository.ts';
import type { Mutex } from '../production/mutex.ts';
import { backoffDelay } from '#kit/backoff.ts';
import { sendWebhook, type WebhookSettings } from './webhook-sender.ts';

export interface WebhookPolicy extends WebhookSettings {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/**
 * Delivers the completion webhook stored on a production order. Each attempt
 * first takes a lease (nextAttemptAt moved past the request timeout) in one
 * atomic update, so two workers never send at once and a crash mid-attempt
 * is retried by the sweep once the lease runs out.
 */
export class WebhookService {
  private readonly orders: ProductionOrderRepository;
  private readonly policy: WebhookPolicy;
  private readonly logger: Logger;
  private readonly exclusive: Mutex;

  constructor(orders: ProductionOrderRepository, policy: WebhookPolicy, logger: Logger, exclusive: Mutex) {
    this.exclusive = exclusive;
    this.orders = orders;
    this.policy = policy;
    this.logger = logger;
  }

  /** Returns when the next attempt is due, if a retry is owed. */
  async deliver(id: ObjectId, now = new Date()): Promise<{ outcome: DeliveryOutcome; retryAt?: Date }> {
    const lease = new Date(now.getTime() + this.policy.timeoutMs * 2);
    const doc = await this.exclusive(() =>
      this.orders.collection.findOneAndUpdate(
        { _id: id, 'webhook.state': 'PENDING', 'webhook.nextAttemptAt': { $lte: now } },
        {
          $set: { 'webhook.nextAttemptAt': lease, 'webhook.lastAttemptAt': now },
          $inc: { 'webhook.attempts': 1 },
        },
        { returnDocument: 'after' },
      ),
    );
    if (!doc?.webhook) return { outcome: 'skipped' };
    const { webhookId, attempts } = doc.webhook;
    const result = await sendWebhook(this.policy, webhookId, doc);
    const at = new Date();
    if (result.ok) {
      await this.orders.collection.updateOne(
        { _id: id },
        {
          $set: {
            'webhook.state': 'DELIVERED',
            'webhook.deliveredAt': at,
            'webhook.nextAttemptAt': null,
            'webhook.lastError': null,
          },
        },
      );
      return { outcome: 'delivered' };
    }
    if (attempts >= this.policy.maxAttempts) {
      this.logger.error({ webhookId, attempts, error: result.error }, 'completion webhook failed for good');
      await this.orders.collection.updateOne(
        { _id: id },
        {
          $set: {
            'webhook.state': 'FAILED',
            'webhook.nextAttemptAt': null,
            'webhook.lastError': result.error,
          },
        },
      );
      return { outcome: 'failed' };
    }
    const retryAt = new Date(
      at.getTime() +
        backoffDelay(attempts - 1, {
          baseMs: this.policy.retryBaseMs,
          maxMs: this.policy.retryMaxMs,
          jitter: 'equal',
        }),
    );
    this.logger.warn(
      { webhookId, attempts, error: result.error, retryAt },
      'completion webhook failed, will retry',
    );
    await this.orders.collection.updateOne(
      { _id: id },
      { $set: { 'webhook.nextAttemptAt': retryAt, 'webhook.lastError': result.error } },
    );
    return { outcome: 'retry', retryAt };
  }
}
