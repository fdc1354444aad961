import { inLinkedSpans } from '#kit/telemetry/trace-context.ts';
import express, { type Express, type Request, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { FACTORY_IDS, type FactoryId } from '#catalogue/products.ts';
import { completionWebhookSchema, describeWebhookIssue } from '#clients/completion-webhook.ts';
import type { Logger } from '#kit/logger.ts';
import { verifyWebhookSignature } from '#kit/webhook-signature.ts';
import { recordCompletions, type BatchOutcome } from '../order/order-lifecycle.ts';

export interface ProductionWebhookOptions {
  orm: MikroORM;
  /** The secrets `factory` may sign with: its current one, and its previous one during a rotation. */
  secretsOf: (factory: FactoryId) => readonly string[];
  logger: Logger;
  /** Runs after a batch that changed something is committed (e.g. to wake the outbox). */
  onRecorded?: () => void;
  /** Test hook: runs after the batch is committed and before the reply. */
  afterRecord?: (req: Request, res: Response, outcome: BatchOutcome) => void;
}

// A factory at SIM_TIME_SCALE=0 often completes before its receipt is committed here: wait that out
// briefly (no transaction held) before answering a retryable 409, which costs the factory a backoff.
const RECEIPT_WAITS_MS = [50, 100, 200];

async function recordWaitingForReceipts(
  orm: MikroORM,
  factory: FactoryId,
  completions: Parameters<typeof recordCompletions>[2],
): Promise<BatchOutcome> {
  let outcome = await recordCompletions(orm.em, factory, completions);
  for (const waitMs of RECEIPT_WAITS_MS) {
    if (!('refused' in outcome) || !outcome.refused.retryable) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    outcome = await recordCompletions(orm.em, factory, completions);
  }
  return outcome;
}

const isFactory = (name: string): name is FactoryId => (FACTORY_IDS as readonly string[]).includes(name);

/**
 * POST /webhooks/production/:factory: a factory's signed batch of
 * completions. The path says which factory's secret must have signed; the
 * raw body is kept as text because the HMAC covers the exact bytes sent.
 */
export function mountProductionWebhook(app: Express, options: ProductionWebhookOptions): void {
  const { logger } = options;
  app.post(
    '/webhooks/production/:factory',
    express.text({ type: '*/*', limit: '1mb' }),
    async (req: Request<{ factory: string }>, res) => {
      const factory = req.params.factory;
      const webhookId = req.headers['webhook-id'];
      const refuse = (status: number, error: string, extra: Record<string, unknown> = {}) => {
        logger.warn({ factory, webhookId, status, reason: error }, 'webhook refused');
        res.status(status).json({ error, ...extra });
      };
      if (!isFactory(factory)) return refuse(404, `no factory ${factory}`);
      const body = typeof req.body === 'string' ? req.body : '';
      const verdict = verifyWebhookSignature(options.secretsOf(factory), req.headers, body);
      if (!verdict.ok) return refuse(401, verdict.reason);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return refuse(400, 'body is not JSON');
      }
      const parsed = completionWebhookSchema.safeParse(json);
      if (!parsed.success) return refuse(400, describeWebhookIssue(parsed.error));
      if (parsed.data.factory !== factory) {
        return refuse(409, `factory: the body says ${parsed.data.factory}, signed by ${factory}`);
      }
      try {
        const completions = parsed.data.completions;
        const outcome = await inLinkedSpans(
          'orders.record_completions',
          'order.completion_recorded',
          completions.map((completion) => completion.traceparent),
          () => recordWaitingForReceipts(options.orm, factory, completions),
          { 'factory.id': factory },
        );
        if ('refused' in outcome) {
          const { status, reason, retryable } = outcome.refused;
          if (retryable) res.setHeader('retry-after', '1');
          return refuse(status, reason, { retryable });
        }
        if (outcome.recorded > 0) options.onRecorded?.();
        options.afterRecord?.(req, res, outcome);
        if (res.headersSent || res.destroyed) return;
        res.status(200).json({ outcome: outcome.recorded > 0 ? 'recorded' : 'repeat', ...outcome });
      } catch (error) {
        logger.error({ err: error, factory, webhookId }, 'webhook not recorded');
        res.status(500).json({ error: 'not recorded; retry' });
      }
    },
  );
}
