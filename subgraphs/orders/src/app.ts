import { MikroORM } from '@mikro-orm/postgresql';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import { ensurePostgresDatabase } from '#kit/postgres.ts';
import type { OrdersConfig } from './config.ts';
import { createCustomersClient, type CustomerLookup } from '#clients/customers-client.ts';
import { createFactoryClient } from './factory/factory-client.ts';
import { startJobLoop, type JobLoop } from './jobs/job-loop.ts';
import { randomOrdersPass } from './jobs/random-orders-job.ts';
import { schedulingPass } from './jobs/scheduling-job.ts';
import { ormConfig } from './mikro-orm.config.ts';
import { createLogSink } from './outbox/log-sink.ts';
import { outboxPass } from './outbox/outbox-dispatcher.ts';
import type { OutboxSink } from './outbox/outbox-message.ts';
import { createSheetsSinkFromConfig } from './sheets/index.ts';
import { seedRandomOrderSettings } from './random-orders/seed.ts';
import { createServer, type OrdersDeps } from './server.ts';
import { listenForOrderUpdates } from './subscriptions/order-notifications.ts';

export interface OrdersService {
  orm: MikroORM;
  logger: Logger;
  http: Listening;
  jobs: { scheduling: JobLoop; randomOrders: JobLoop; outbox: JobLoop };
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
 * Connects to PostgreSQL, migrates, starts the job loops (scheduling,
 * random orders, outbox) and serves the orders subgraph on `config.PORT`.
 */
export async function startOrdersService(
  config: OrdersConfig,
  options: OrdersOptions = {},
): Promise<OrdersService> {
  const logger = createLogger('orders', config.LOG_LEVEL);
  await ensurePostgresDatabase(config.DATABASE_URL);
  const orm = await MikroORM.init(ormConfig(config.DATABASE_URL, logger));
  await orm.migrator.up();
  await seedRandomOrderSettings(orm.em.fork(), config.RANDOM_ORDERS_EVERY);

  const customers =
    options.customers ?? createCustomersClient({ url: config.CUSTOMERS_URL, jwtSecret: config.JWT_SECRET });
  const factories = createFactoryClient({
    url: config.FACTORY_URL,
    clientName: config.FACTORY_CLIENT_NAME,
    clientSecret: config.FACTORY_CLIENT_SECRET,
  });
  const sheets = config.sheets ? createSheetsSinkFromConfig(config.sheets, logger) : null;
  // The outbox's sinks: each gets every message in order, with its own retries.
  const sinks: OutboxSink[] = [createLogSink(logger), ...(sheets ? [sheets] : []), ...(options.sinks ?? [])];
  const retry = { retryBaseMs: config.RETRY_BASE_MS, retryMaxMs: config.RETRY_MAX_MS };
  const scheduling = startJobLoop(
    'scheduling',
    config.JOB_POLL_MS,
    schedulingPass({ orm, factories, logger, ...retry }),
    logger,
  );
  const outbox = startJobLoop(
    'outbox',
    config.JOB_POLL_MS,
    outboxPass({ orm, logger, sinks, ...retry }),
    logger,
  );
  const randomOrders = startJobLoop(
    'random-orders',
    config.JOB_POLL_MS,
    randomOrdersPass({ orm, customers, logger, onPlaced: () => scheduling.kick() }),
    logger,
  );
  const updates = await listenForOrderUpdates(config.DATABASE_URL, logger);
  const { httpServer, apollo, subscriptions } = await createServer({
    config,
    orm,
    logger,
    services: { customers, updates, orderPlaced: () => scheduling.kick() },
    afterWebhookRecord: options.afterWebhookRecord,
  });
  const http = await listen(httpServer, config.PORT);
  logger.info({ url: `${http.url}/graphql` }, 'orders subgraph ready');
  let closing: Promise<void> | undefined;
  const close = async () => {
    await Promise.all([scheduling.drain(), randomOrders.drain(), outbox.drain()]);
    await subscriptions.close();
    await apollo.stop();
    await http.close().catch(() => {});
    await updates.close();
    await orm.close();
  };
  return {
    orm,
    logger,
    http,
    jobs: { scheduling, randomOrders, outbox },
    // Closing twice (a test that stopped the process early, then its teardown) closes once.
    close: () => (closing ??= close()),
  };
}
