import { z } from 'zod';
import { commonEnv, env, loadConfig, subgraphLimitEnv } from '#kit/config.ts';
import { FACTORY_IDS, type FactoryId } from './factory/factories.ts';

const lines = z.coerce.number().int().min(1).max(100);
const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

export const factoryConfigSchema = z.object({
  ...commonEnv,
  ...subgraphLimitEnv,
  PORT: env.port(4003),
  MONGODB_URL: env.mongoUrl,
  /** Which factories this process runs (produces and owns), e.g. `widgets` or `widgets,gadgets,gizmos`. */
  FACTORIES: env.list(FACTORY_IDS, FACTORY_IDS, { allowEmpty: true }),
  /**
   * Factories whose reads this process serves without producing for them (their production orders,
   * counts, failed webhooks): a read-only factory API in front of one producing process per factory.
   */
  READ_FACTORIES: env.list(FACTORY_IDS, [], { allowEmpty: true }),
  /** Prefix of each factory's database name: `<prefix>widgets`, ... */
  FACTORY_DB_PREFIX: z.string().default('factory_floor_'),
  /** Capacity of every factory; `PRODUCTION_LINES_WIDGETS` etc. override one factory. */
  PRODUCTION_LINES: lines.default(2),
  PRODUCTION_LINES_WIDGETS: lines.optional(),
  PRODUCTION_LINES_GADGETS: lines.optional(),
  PRODUCTION_LINES_GIZMOS: lines.optional(),
  /** `name:secret` registered as an API client of every factory at start-up; `off` to skip. */
  FACTORY_BOOTSTRAP_CLIENT: env
    .secret('orders:factory-floor-local-orders-secret', 3)
    .refine(
      (value) => value === 'off' || /^[^:\s]+:.{8,}$/.test(value),
      'must be "name:secret" (secret ≥ 8 chars) or "off"',
    ),
  ORDERS_WEBHOOK_URL: env.url('http://127.0.0.1:4002/webhooks/production'),
  /** Each factory signs its completion webhooks with its own secret (only the factories run here need one). */
  WEBHOOK_SECRET_WIDGETS: env.secret('factory-floor-local-widgets-webhook-secret'),
  WEBHOOK_SECRET_GADGETS: env.secret('factory-floor-local-gadgets-webhook-secret'),
  WEBHOOK_SECRET_GIZMOS: env.secret('factory-floor-local-gizmos-webhook-secret'),
  /** Attempts before a completion webhook is kept as FAILED (still visible, never dropped). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  /** First retry delay; doubles per attempt (with jitter) up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: ms(1000),
  WEBHOOK_RETRY_MAX_MS: ms(5 * 60_000),
  WEBHOOK_TIMEOUT_MS: ms(5000),
  /** Agenda polling interval: how late a job saved by another process may start. */
  AGENDA_PROCESS_EVERY_MS: ms(1000),
  /** How long a job may stay locked before another worker presumes its worker dead and re-runs it. */
  AGENDA_LOCK_LIFETIME_MS: ms(30_000),
  /** How long a factory's ownership lasts unless renewed (every third of it); a crashed owner's successor waits this long. */
  FACTORY_LEASE_TTL_MS: z.coerce.number().int().min(100).default(15_000),
});

const WEBHOOK_SECRET_OF = {
  widgets: 'WEBHOOK_SECRET_WIDGETS',
  gadgets: 'WEBHOOK_SECRET_GADGETS',
  gizmos: 'WEBHOOK_SECRET_GIZMOS',
} as const satisfies Record<FactoryId, keyof z.infer<typeof factoryConfigSchema>>;

/**
 * A process running only `FACTORIES=widgets` holds no other factory's
 * secret: the others are dropped before the production check, so only the
 * secrets of the factories run here must be set.
 */
export const factoryProcessConfigSchema = factoryConfigSchema
  .refine((config) => config.FACTORIES.length + config.READ_FACTORIES.length > 0, {
    path: ['FACTORIES'],
    message: 'names no factory, and READ_FACTORIES none either: this process would serve nothing',
  })
  .transform((config) => {
    const own = { ...config } as Record<string, unknown>;
    for (const id of FACTORY_IDS) if (!config.FACTORIES.includes(id)) delete own[WEBHOOK_SECRET_OF[id]];
    return own as typeof config;
  });

export type FactoryConfig = z.infer<typeof factoryConfigSchema>;

/** Every factory this process answers for: those it runs, then those it only reads. */
export const servedFactoriesOf = (config: FactoryConfig): FactoryId[] => [
  ...new Set([...config.FACTORIES, ...config.READ_FACTORIES]),
];

export const loadFactoryConfig = (source: Record<string, string | undefined> = process.env): FactoryConfig =>
  loadConfig(factoryProcessConfigSchema, source);

/** The secret factory `id` signs its webhooks with (it runs in this process, so it is set). */
export function webhookSecretOf(config: FactoryConfig, id: FactoryId): string {
  const secret = config[WEBHOOK_SECRET_OF[id]];
  if (!secret) throw new Error(`${WEBHOOK_SECRET_OF[id]} is not set, but factory ${id} runs here`);
  return secret;
}

export function productionLinesOf(config: FactoryConfig, id: FactoryId): number {
  const override = {
    widgets: config.PRODUCTION_LINES_WIDGETS,
    gadgets: config.PRODUCTION_LINES_GADGETS,
    gizmos: config.PRODUCTION_LINES_GIZMOS,
  }[id];
  return override ?? config.PRODUCTION_LINES;
}
