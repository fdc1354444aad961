import type { Agenda } from 'agenda';
import type { Db, ObjectId } from 'mongodb';
import { PRODUCT_OF_FACTORY, PRODUCTS, type ProductSpec } from '#catalogue/products.ts';
import { createAgenda, drainAgenda } from '#kit/agenda.ts';
import type { Logger } from '#kit/logger.ts';
import { ApiClientRepository } from '../clients/api-client.repository.ts';
import { productionLinesOf, webhookSecretOf, type FactoryConfig } from '../config.ts';
import { agendaScheduler, JOBS, registerJobs } from '../jobs/production-jobs.ts';
import { ProductionLinesRepository } from '../production/production-lines.repository.ts';
import { ProductionOrderRepository } from '../production/production-order.repository.ts';
import { createMutex } from '../production/mutex.ts';
import { ProductionService } from '../production/production.service.ts';
import { WebhookService } from '../webhooks/webhook.service.ts';
import { FACTORY_NAMES, type FactoryId } from './factories.ts';

/** One factory: its own database, API clients, production lines and job queue. */
export interface FactoryUnit {
  id: FactoryId;
  name: string;
  product: ProductSpec;
  db: Db;
  productionLines: number;
  orders: ProductionOrderRepository;
  clients: ApiClientRepository;
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
  const productionLines = productionLinesOf(config, id);
  const orders = new ProductionOrderRepository(db);
  const lines = new ProductionLinesRepository(db, productionLines);
  const clients = new ApiClientRepository(db);
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
    id,
    name: FACTORY_NAMES[id],
    product: PRODUCTS[PRODUCT_OF_FACTORY[id]],
    db,
    productionLines,
    orders,
    clients,
    production,
    agenda,
    dispatch: (added) => production.dispatch(added),
    stop: async () => {
      await drainAgenda(agenda);
      await Promise.all([production.settled(), scheduler.settled()]);
    },
  };
}
