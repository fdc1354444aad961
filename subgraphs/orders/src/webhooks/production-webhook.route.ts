import express, { type Express, type Request, type Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { verifyWebhookSignature } from '#kit/webhook-signature.ts';
import {
  productionCompletedSchema,
  recordProductionCompleted,
  type CompletionOutcome,
} from './production-completion.ts';

export interface ProductionWebhookOptions {
  orm: MikroORM;
  secret: string;
  logger: Logger;
  /** Test hook: runs after the completion is committed and before the reply. */
  afterRecord?: (req: Request, res: Response, outcome: CompletionOutcome) => void;
}

/**
 * POST /webhooks/production: the factory's signed completion. The raw body
 * is kept as text because the HMAC covers the exact bytes sent.
 */
export function mountProductionWebhook(app: Express, options: ProductionWebhookOptions): void {
  app.post('/webhooks/production', express.text({ type: '*/*', limit: '64kb' }), async (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const verdict = verifyWebhookSignature(options.secret, req.headers, body);
    if (!verdict.ok) {
      options.logger.warn(
        { reason: verdict.reason, webhookId: req.headers['webhook-id'] },
        'webhook refused',
      );
      res.status(401).json({ error: verdict.reason });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      res.status(400).json({ error: 'body is not JSON' });
      return;
    }
    const parsed = productionCompletedSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      res.status(400).json({ error: `${issue.path.join('.') || 'body'}: ${issue.message}` });
      return;
    }
    try {
      const outcome = await recordProductionCompleted(options.orm, parsed.data);
      options.afterRecord?.(req, res, outcome);
      if (res.headersSent || res.destroyed) return;
      if (outcome === 'unknown-line') {
        res.status(404).json({ error: `order ${parsed.data.orderNumber} has no line ${parsed.data.lineId}` });
        return;
      }
      res.status(200).json({ outcome });
    } catch (error) {
      options.logger.error({ err: error }, 'webhook not recorded');
      res.status(500).json({ error: 'not recorded; retry' });
    }
  });
}
