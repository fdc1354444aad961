import { z } from 'zod';
import type { FactoryId } from '#catalogue/products.ts';
import { commonEnv, env, loadConfig, socketLimitEnv, subgraphLimitEnv } from '#kit/config.ts';
import { loadSheetsConfig, type SheetsSettings } from './sheets/sheets-config.ts';

const previousSecret = z.string().min(16).optional();

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
  /** Where one factory is, when not at FACTORY_URL (e.g. each factory in its own process). */
  FACTORY_URL_WIDGETS: z.url().optional(),
  FACTORY_URL_GADGETS: z.url().optional(),
  FACTORY_URL_GIZMOS: z.url().optional(),
  FACTORY_CLIENT_NAME: z.string().min(1).default('orders'),
  FACTORY_CLIENT_SECRET: env.secret('factory-floor-local-orders-secret', 8),
  /** Each factory's completion webhooks must be signed with its own secret... */
  WEBHOOK_SECRET_WIDGETS: env.secret('factory-floor-local-widgets-webhook-secret'),
  WEBHOOK_SECRET_GADGETS: env.secret('factory-floor-local-gadgets-webhook-secret'),
  WEBHOOK_SECRET_GIZMOS: env.secret('factory-floor-local-gizmos-webhook-secret'),
  /** ...or, while a rotation is under way, with the one it replaces. */
  WEBHOOK_SECRET_WIDGETS_PREVIOUS: previousSecret,
  WEBHOOK_SECRET_GADGETS_PREVIOUS: previousSecret,
  WEBHOOK_SECRET_GIZMOS_PREVIOUS: previousSecret,
  /** `off` or a duration such as `30 seconds`; only the first start-up seeds it, then setRandomOrders rules. */
  RANDOM_ORDERS_EVERY: z.string().default('off'),
  /** How often the PostgreSQL job loops look for due work (scheduling, outbox). */
  JOB_POLL_MS: z.coerce.number().int().min(10).default(250),
  /** How long a process's claim on an order keeps the others off it while its production requests are out. */
  SCHEDULING_CLAIM_MS: z.coerce.number().int().min(1000).default(60_000),
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

/** The secrets a completion webhook from `factory` may be signed with: its current one, then its previous one. */
export function webhookSecretsOf(config: OrdersConfig, factory: FactoryId): string[] {
  const [current, previous]: [string, string | undefined] = {
    widgets: [config.WEBHOOK_SECRET_WIDGETS, config.WEBHOOK_SECRET_WIDGETS_PREVIOUS],
    gadgets: [config.WEBHOOK_SECRET_GADGETS, config.WEBHOOK_SECRET_GADGETS_PREVIOUS],
    gizmos: [config.WEBHOOK_SECRET_GIZMOS, config.WEBHOOK_SECRET_GIZMOS_PREVIOUS],
  }[factory] as [string, string | undefined];
  return previous ? [current, previous] : [current];
}

/** The address of `factory`'s GraphQL endpoint: FACTORY_URL_<FACTORY>, else FACTORY_URL. */
export function factoryUrlOf(config: OrdersConfig, factory: string): string {
  const own = {
    widgets: config.FACTORY_URL_WIDGETS,
    gadgets: config.FACTORY_URL_GADGETS,
    gizmos: config.FACTORY_URL_GIZMOS,
  }[factory];
  return own ?? config.FACTORY_URL;
}

export const loadOrdersConfig = (source: Record<string, string | undefined> = process.env): OrdersConfig => ({
  ...loadConfig(ordersConfigSchema, source),
  sheets: loadSheetsConfig(source),
});
