import type { Agenda } from 'agenda';
import type { Db, ObjectId } from 'mongodb';
import { createAgenda, drainAgenda } from '#kit/agenda.ts';
import type { Logger } from '#kit/logger.ts';
import { webhookSecretOf, type FactoryConfig } from '../config.ts';
import { agendaScheduler, registerJobs } from '../jobs/production-jobs.ts';
import { GroupCommit } from '../production/group-commit.ts';
import { LiveRecords } from '../production/live-records.ts';
import { ProductionOrderRepository } from '../production/production-order.repository.ts';
import type { ProductionOrderDoc } from '../production/production-order.ts';
import type { ReceiveRequests } from '../production/production-request.service.ts';
import { receiptBatcher } from '../production/receipt-batcher.ts';
import { ProductionService } from '../production/production.service.ts';
import { WebhookService } from '../webhooks/webhook.service.ts';
import type { FactoryId } from './factories.ts';
import { openFactoryView, type FactoryView } from './factory-view.ts';
import { readLiveState } from './live-state.ts';

/** Production orders the owner keeps in memory for reads by `_id` (about 1 KB each). */
const OWNER_CACHE = 100_000;

/** One factory this process runs: its reads, plus its production lines and job queue. */
export interface FactoryUnit extends FactoryView {
  production: ProductionService;
  agenda: Agenda;
  /** Queues production orders just stored and fills free production lines (after a production request). */
  dispatch(added: readonly ProductionOrderDoc[], record: ObjectId): Promise<void>;
  /** Stores production requests, batched with the others arriving meanwhile. */
  receive: ReceiveRequests;
  /** Stops taking jobs and waits for running ones. */
  stop(): Promise<void>;
}

/**
 * Builds a factory over its database: its live state (lines, queue, due completions, webhooks owed)
 * rebuilt from what is stored, then kept in this process, the factory's one owner.
 */
export async function startFactoryUnit(
  id: FactoryId,
  db: Db,
  config: FactoryConfig,
  logger: Logger,
): Promise<FactoryUnit> {
  const log = logger.child({ factory: id });
  const view = openFactoryView(id, db, config);
  const { productionLines } = view;
  // This process owns the factory (its lease): every write to its production orders goes through here.
  const orders = new ProductionOrderRepository(db, { cache: OWNER_CACHE });
  await orders.ensureIndexes();

  const agenda = createAgenda({
    db,
    name: `factory-${id}-${process.pid}`,
    processEveryMs: config.AGENDA_PROCESS_EVERY_MS,
    lockLifetimeMs: config.AGENDA_LOCK_LIFETIME_MS,
  });
  agenda.on('error', (error) => log.error({ err: error }, 'agenda error'));
  agenda.on('fail', (error, job) => log.warn({ err: error, job: job.attrs.name }, 'job failed'));
  const commit = new GroupCommit((writes) => orders.applyWrites(writes), log);
  const live = new LiveRecords(commit);
  const webhooks = new WebhookService(
    { commit, live },
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
  );
  const production = new ProductionService({
    lines: productionLines,
    commit,
    scheduler: agendaScheduler(agenda, log),
    completed: webhooks,
    timeScale: config.SIM_TIME_SCALE,
    logger: log,
  });
  await registerJobs(agenda, { production });
  // Read by `_id` only: the start costs what is live, not the stored history.
  const state = await readLiveState(orders);
  const liveIds = new Set(state.docs.map((doc) => doc._id.toHexString()));
  for (const record of state.records)
    live.track(
      record._id,
      record.orders.filter((id) => liveIds.has(id.toHexString())),
    );
  production.restore(state.docs);
  webhooks.restore(
    state.docs.filter((doc) => doc.status === 'COMPLETED'),
    state.batches,
  );
  await agenda.start();

  const dispatch = async (added: readonly ProductionOrderDoc[], record: ObjectId) => {
    live.track(
      record,
      added.map((doc) => doc._id),
    );
    production.add(added);
  };
  return {
    ...view,
    orders,
    production,
    agenda,
    dispatch,
    receive: receiptBatcher({ orders, dispatch }, id),
    stop: async () => {
      await drainAgenda(agenda);
      production.stop();
      await webhooks.stop();
      // What was decided before the stop is stored before the lease is given up.
      await commit.settled();
    },
  };
}
