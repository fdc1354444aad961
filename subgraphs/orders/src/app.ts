import { MikroORM } from '@mikro-orm/postgresql';
import type { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { createAgenda, drainAgenda } from '#kit/agenda.ts';
import { mountAgendash } from '#kit/agendash.ts';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import { ensurePostgresDatabase } from '#kit/postgres.ts';
import { factoryUrlOf, type OrdersConfig } from './config.ts';
import { createCustomersClient, type CustomerLookup } from '#clients/customers-client.ts';
import { createFactoryClient } from './factory/factory-client.ts';
import { createPlacementWriter } from './order/place-order.ts';
import { startJobLoop, type JobLoop } from './jobs/job-loop.ts';
import { registerJobs } from './jobs/random-order-job.ts';
import { startSchedulingJob } from './jobs/scheduling-job.ts';
import { ormConfig } from './mikro-orm.config.ts';
import { createLogSink } from './outbox/log-sink.ts';
import { outboxPass } from './outbox/outbox-dispatcher.ts';
import { createSinkLocks } from './outbox/sink-lock.ts';
import type { OutboxSink } from './outbox/outbox-message.ts';
import { createSheetsSinkFromConfig } from './sheets/index.ts';
import { RandomOrderSchedule } from './random-orders/random-order-schedule.ts';
import { registerOrderMetrics } from './metrics/order-metrics.ts';
import { createServer, type OrdersDeps } from './server.ts';
import { listenForOrderUpdates } from './subscriptions/order-notifications.ts';
import { ordersChangedSince } from './subscriptions/orders-changed-since.ts';

/**
 * How long the outbox waits after a commit woke it, so one pass takes the messages of several commits
 * (each pass costs five statements whatever its size; its sinks are a log and a Sheets tab, and
 * subscribers hear the commit's NOTIFY, not the outbox).
 */
const OUTBOX_WAKE_MS = 100;

export interface OrdersService {
  orm: MikroORM;
  logger: Logger;
  http: Listening;
  jobs: { scheduling: JobLoop; outbox: JobLoop };
  /** Subscribers of this process, by the order they follow (`null`: every order): a subscription is live once counted. */
  subscribers(number: string | null): number;
  /** Runs the recurring random-order job (MongoDB database ORDERS_MONGO_DB). */
  agenda: Agenda;
  close(): Promise<void>;
}

export interface OrdersOptions {
  /** Replaces the customers client (e.g. a cached one); defaults to asking CUSTOMERS_URL. */
  customers?: CustomerLookup;
  /** Extra outbox sinks beside the log sink and the Google Sheets sink (when configured). */
  sinks?: OutboxSink[];
  afterWebhookRecord?: OrdersDeps['afterWebhookRecord'];
}

/**
 * Connects to PostgreSQL and MongoDB, migrates, starts the job loops
 * (scheduling and outbox on PostgreSQL, random orders on Agenda) and serves
 * the orders subgraph on `config.PORT`.
 */
export async function startOrdersService(
  config: OrdersConfig,
  options: OrdersOptions = {},
): Promise<OrdersService> {
  const logger = createLogger('orders', config.LOG_LEVEL);
  await ensurePostgresDatabase(config.DATABASE_URL);
  const orm = await MikroORM.init(ormConfig(config.DATABASE_URL, logger));
  await orm.migrator.up();
  const mongo = await new MongoClient(config.MONGODB_URL).connect();

  const customers =
    options.customers ??
    createCustomersClient({ url: config.CUSTOMERS_URL, serviceTokenSecret: config.SERVICE_TOKEN_SECRET });
  const factories = createFactoryClient({
    urlOf: (factory) => factoryUrlOf(config, factory),
    clientName: config.FACTORY_CLIENT_NAME,
    clientSecret: config.FACTORY_CLIENT_SECRET,
  });
  const placements = createPlacementWriter(orm);
  const sheets = config.sheets ? createSheetsSinkFromConfig(config.sheets, logger) : null;
  // The outbox's sinks: each gets every message in order, with its own retries.
  const sinks: OutboxSink[] = [createLogSink(logger), ...(sheets ? [sheets] : []), ...(options.sinks ?? [])];
  const sinkLocks = createSinkLocks(config.DATABASE_URL, logger, sinks.length);
  const retry = { retryBaseMs: config.RETRY_BASE_MS, retryMaxMs: config.RETRY_MAX_MS };
  // Scheduling stays a PostgreSQL loop: it claims orders (FOR UPDATE SKIP LOCKED) in the same database,
  // and marks them SCHEDULED with history and outbox in one transaction, which Agenda on MongoDB cannot join.
  const scheduling = startSchedulingJob({
    orm,
    factories,
    logger,
    ...retry,
    leaseMs: config.SCHEDULING_CLAIM_MS,
    everyMs: config.JOB_POLL_MS,
    onScheduled: () => wakeOutbox(),
  });
  const outbox = startJobLoop(
    'outbox',
    config.JOB_POLL_MS,
    outboxPass({ orm, logger, sinks, locks: sinkLocks, ...retry }),
    logger,
  );
  // Woken by this process's commits, a few at a time (the poll still finds other processes' messages).
  let wakeTimer: NodeJS.Timeout | undefined;
  const wakeOutbox = () => {
    wakeTimer ??= setTimeout(() => {
      wakeTimer = undefined;
      outbox.kick();
    }, OUTBOX_WAKE_MS);
  };
  const agenda = createAgenda({
    db: mongo.db(config.ORDERS_MONGO_DB),
    name: `orders-${process.pid}`,
    processEveryMs: config.ORDERS_AGENDA_PROCESS_EVERY_MS,
  });
  agenda.on('error', (error) => logger.error({ err: error }, 'agenda error'));
  agenda.on('fail', (error, job) => logger.warn({ err: error, job: job.attrs.name }, 'job failed'));
  const randomOrders = new RandomOrderSchedule(agenda);
  registerJobs(agenda, {
    orm,
    customers,
    placements,
    logger,
    schedule: randomOrders,
    onPlaced: () => scheduling.kick(),
  });
  await randomOrders.seed(config.RANDOM_ORDERS_EVERY);
  await agenda.start();
  const updates = await listenForOrderUpdates(config.DATABASE_URL, logger, {
    changedSince: ordersChangedSince(orm),
  });
  const { httpServer, apollo, subscriptions, metrics, app, verifier } = await createServer({
    config,
    orm,
    logger,
    services: {
      customers,
      placements,
      updates,
      randomOrders,
      orderPlaced: () => {
        scheduling.kick();
        wakeOutbox();
      },
      statusChanged: wakeOutbox,
    },
    afterWebhookRecord: options.afterWebhookRecord ?? crashAfterWebhookCommit(config),
    sinks,
  });
  registerOrderMetrics(metrics, { orm, sinks, randomOrders });
  mountAgendash(app, '/admin/agendash', agenda, verifier);
  const http = await listen(httpServer, config.PORT, config.HOST);
  logger.info({ url: `${http.url}/graphql` }, 'orders subgraph ready');
  let closing: Promise<void> | undefined;
  const close = async () => {
    // drain, not stop: a running random order finishes rather than being unlocked for another worker to redo.
    await drainAgenda(agenda);
    clearTimeout(wakeTimer);
    await Promise.all([scheduling.drain(), outbox.drain()]);
    await sinkLocks.close();
    await subscriptions.close();
    await apollo.stop();
    await http.close().catch(() => {});
    await updates.close();
    await orm.close();
    await mongo.close();
  };
  return {
    orm,
    logger,
    http,
    jobs: { scheduling, outbox },
    subscribers: (number) => updates.subscribers(number),
    agenda,
    // Closing twice (a test that stopped the process early, then its teardown) closes once.
    close: () => (closing ??= close()),
  };
}

/** ORDERS_TEST_CRASH_AFTER_WEBHOOK_COMMIT: die as a crash would, committed but not answered. */
function crashAfterWebhookCommit(config: OrdersConfig): OrdersOptions['afterWebhookRecord'] {
  if (!config.ORDERS_TEST_CRASH_AFTER_WEBHOOK_COMMIT || config.NODE_ENV === 'production') return undefined;
  return () => process.kill(process.pid, 'SIGKILL');
}
