import { z } from 'zod';
import { commonEnv, env, loadConfig, socketLimitEnv, subgraphLimitEnv } from '#kit/config.ts';
import { loadSheetsConfig, type SheetsSettings } from './sheets/sheets-config.ts';

export const ordersConfigSchema = z.object({
  ...commonEnv,
  ...subgraphLimitEnv,
  // The gateway opens up to one socket per distinct subscription: 10 connections x 25 subscriptions per user.
  ...socketLimitEnv({ connectionsPerIdentity: 250 }),
  PORT: env.port(4002),
  DATABASE_URL: env.postgresUrl,
  /** Agenda's store for the recurring random-order job (and its settings). */
  MONGODB_URL: env.mongoUrl,
  ORDERS_MONGO_DB: z.string().min(1).default('factory_floor_orders'),
  /** How often Agenda looks for due jobs; a job saved by another process starts up to this much later. */
  ORDERS_AGENDA_PROCESS_EVERY_MS: z.coerce.number().int().min(10).default(1000),
  CUSTOMERS_URL: env.url('http://127.0.0.1:4001/graphql'),
  FACTORY_URL: env.url('http://127.0.0.1:4003/graphql'),
  FACTORY_CLIENT_NAME: z.string().min(1).default('orders'),
  FACTORY_CLIENT_SECRET: env.secret('factory-floor-local-orders-secret', 8),
  WEBHOOK_SECRET: env.secret('factory-floor-local-webhook-secret', 8),
  /** `off` or a duration such as `30 seconds`; only the first start-up seeds it, then setRandomOrders rules. */
  RANDOM_ORDERS_EVERY: z.string().default('off'),
  /** How often the PostgreSQL job loops look for due work (scheduling, outbox). */
  JOB_POLL_MS: z.coerce.number().int().min(10).default(250),
  /** First retry delay of a failed production request or sink delivery; doubles up to the max. */
  RETRY_BASE_MS: z.coerce.number().int().min(1).default(500),
  RETRY_MAX_MS: z.coerce.number().int().min(1).default(60_000),
  /**
   * Test only (ignored when NODE_ENV=production): the process SIGKILLs itself right after a
   * webhook's completion commits and before the reply, for the crash test.
   */
  ORDERS_TEST_CRASH_AFTER_WEBHOOK_COMMIT: z
    .enum(['0', '1', 'false', 'true'])
    .default('0')
    .transform((value) => value === '1' || value === 'true'),
});

/** The service's variables, plus the Google Sheets sink's (off unless a sheet and credentials are set). */
export type OrdersConfig = z.infer<typeof ordersConfigSchema> & { sheets?: SheetsSettings };

export const loadOrdersConfig = (source: Record<string, string | undefined> = process.env): OrdersConfig => ({
  ...loadConfig(ordersConfigSchema, source),
  sheets: loadSheetsConfig(source),
});
