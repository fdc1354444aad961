import type { Agenda } from 'agenda';
import type { Db, ObjectId } from 'mongodb';
import { createAgenda, drainAgenda } from '#kit/agenda.ts';
import type { Logger } from '#kit/logger.ts';
import { webhookSecretOf, type FactoryConfig } from '../config.ts';
import { agendaScheduler, JOBS, registerJobs } from '../jobs/production-jobs.ts';
import { ProductionLinesRepository } from '../production/production-lines.repository.ts';
import { createMutex } from '../production/mutex.ts';
import { ProductionService } from '../production/production.service.ts';
import { WebhookService } from '../webhooks/webhook.service.ts';
import type { FactoryId } from './factories.ts';
import { openFactoryView, type FactoryView } from './factory-view.ts';

/** One factory this process runs: its reads, plus its production lines and job queue. */
export interface FactoryUnit extends FactoryView {
  production: ProductionService;
  agenda: Agenda;
  /** Queues orders just stored and fills free production lines (after a production request). */
  dispatch(added?: readonly { _id: ObjectId }[]): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  stop(): Promise<void>;
}

/** Builds a factory over its database and starts its job queue (after repairing what a crash left). */
export async function startFactoryUnit(
  id: FactoryId,
  db: Db,
  config: FactoryConfig,
  logger: Logger,
): Promise<FactoryUnit> {
  const log = logger.child({ factory: id });
  const view = openFactoryView(id, db, config);
  const { orders, productionLines } = view;
  const lines = new ProductionLinesRepository(db, productionLines);
  await Promise.all([orders.ensureIndexes(), lines.ensureLines()]);

  const agenda = createAgenda({
    db,
    name: `factory-${id}-${process.pid}`,
    processEveryMs: config.AGENDA_PROCESS_EVERY_MS,
    lockLifetimeMs: config.AGENDA_LOCK_LIFETIME_MS,
  });
  agenda.on('error', (error) => log.error({ err: error }, 'agenda error'));
  agenda.on('fail', (error, job) => log.warn({ err: error, job: job.attrs.name }, 'job failed'));
  const exclusive = createMutex();
  const webhooks = new WebhookService(
    orders,
    {
      // One path per factory, so the receiver knows which secret must have signed.
      url: `${config.ORDERS_WEBHOOK_URL.replace(/\/+$/, '')}/${id}`,
      factory: id,
      secret: webhookSecretOf(config, id),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: config.WEBHOOK_RETRY_MAX_MS,
    },
    log,
    exclusive,
  );
  const scheduler = agendaScheduler(agenda, webhooks, log);
  const production = new ProductionService({
    exclusive,
    orders,
    lines,
    scheduler,
    timeScale: config.SIM_TIME_SCALE,
    logger: log,
  });
  registerJobs(agenda, { production, scheduler, concurrency: Math.max(4, productionLines * 2) });
  await agenda.start();
  await agenda.every(config.FACTORY_SWEEP_EVERY_MS, JOBS.sweep, undefined, { skipImmediate: true });
  await production.sweep();

  return {
    ...view,
    production,
    agenda,
    dispatch: (added) => production.dispatch(added),
    stop: async () => {
      await drainAgenda(agenda);
      await Promise.all([production.settled(), scheduler.settled()]);
    },
  };
}
