import type { Express } from 'express';
import { requireRole } from '#kit/auth.ts';
import { IDENTITY_HEADER, type SubgraphVerifier } from '#kit/service-token.ts';
import { DomainError } from '#kit/errors.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { OutboxSink } from './outbox-message.ts';

/** A sink may report more about itself (the Sheets sink: last error, rows written). */
type ReportingSink = OutboxSink & { status?: () => object };

/** How far each sink is behind: messages not yet delivered to it, and the oldest one's age. */
export async function outboxBacklog(orm: MikroORM, sinks: readonly ReportingSink[]) {
  return Promise.all(
    sinks.map(async (sink) => {
      const [row] = await orm.em.fork().execute<{ backlog: string; oldest: Date | null }[]>(
        `select count(*) as backlog, min(m.created_at) as oldest
           from orders.outbox_message m
          where m.id >= coalesce((select low_water from orders.outbox_sink_mark where sink = ?), 0)
            and not exists (select 1 from orders.outbox_delivery d where d.sink = ? and d.message_id = m.id)`,
        [sink.name, sink.name],
      );
      return {
        sink: sink.name,
        backlog: Number(row?.backlog ?? 0),
        oldestPendingAt: row?.oldest ?? null,
        ...(sink.status ? { status: sink.status() } : {}),
      };
    }),
  );
}

/**
 * `GET /outbox`: lets an operator see when a sink (the Google Sheet) falls
 * behind. It shows delivery errors, so it asks for what the orders subgraph
 * trusts (a gateway identity, `npm run token -- --role operator --subgraph
 * orders`) with the operator role or admin: 401 without one, 403 for a viewer.
 */
export function mountOutboxStatus(
  app: Express,
  orm: MikroORM,
  sinks: readonly ReportingSink[],
  verifier: SubgraphVerifier,
): void {
  app.get('/outbox', async (req, res) => {
    try {
      const caller = await verifier.identity(req.get(IDENTITY_HEADER));
      requireRole(caller, 'operator');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const status = error.code === 'FORBIDDEN' ? 403 : 401;
      if (status === 401) res.set('www-authenticate', `Bearer realm="orders", header="${IDENTITY_HEADER}"`);
      res.status(status).json({ error: error.message, code: error.code });
      return;
    }
    res.json({ sinks: await outboxBacklog(orm, sinks) });
  });
}
