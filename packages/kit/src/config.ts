import { z } from 'zod';

/** Raised at start-up when an environment variable is missing or malformed. */
export class ConfigError extends Error {
  readonly issues: string[];

  constructor(issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parses the environment once against a zod schema whose keys are the
 * variable names, so every failure names the variable to fix.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const publicSecrets = productionDefaults(result.data);
  if (publicSecrets.length) throw new ConfigError(publicSecrets);
  return result.data;
}

/** Every development default of a secret: public (they are in this repository), so never valid in production. */
const developmentSecrets = new Set<string>();

/**
 * A secret with a default that works on a developer machine. In production
 * (`NODE_ENV=production`) it must be set, and not to a development default.
 */
const secret = (developmentDefault: string, minLength = 16) => {
  developmentSecrets.add(developmentDefault);
  return z.string().min(minLength).default(developmentDefault);
};

function productionDefaults(config: unknown): string[] {
  if (!config || typeof config !== 'object') return [];
  const values = config as Record<string, unknown>;
  if (values.NODE_ENV !== 'production') return [];
  return Object.entries(values)
    .filter(([, value]) => typeof value === 'string' && developmentSecrets.has(value))
    .map(([name]) => `${name}: must be set in production, and not to the development default`);
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Variables every service reads, with defaults that work on a developer machine. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** The address to bind: loopback on a developer machine, 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 key of the identities the gateway signs for subgraphs and of service tokens (orders -> customers). */
  SERVICE_TOKEN_SECRET: secret('factory-floor-local-service-token-secret', 32),
  /** During a rotation: the key being retired, still accepted (never used to sign). */
  SERVICE_TOKEN_SECRET_PREVIOUS: z.string().min(32).optional(),
  SIM_TIME_SCALE: z.coerce.number().min(0).default(1),
  /** Bearer token a Prometheus scraper sends to GET /metrics; unset in production: /metrics is off. */
  METRICS_TOKEN: z.string().min(16).optional(),
};

/** Users' tokens: only the gateway verifies them. */
export const userTokenEnv = {
  JWT_SECRET: secret('factory-floor-local-development-secret'),
  JWKS_URL: z.url().optional(),
  /** The `aud` a user's token must carry. */
  JWT_AUDIENCE: z.string().min(1).default('factory-floor'),
  /** Seconds: a token whose `exp - iat` is longer is refused (default 24 h). */
  MAX_TOKEN_LIFETIME: count(24 * 3600),
};

/**
 * Operation limits (the gateway's, and each subgraph's second line, which
 * defaults looser because the gateway's fetches add a level or two).
 */
export const limitEnv = (defaults: { depth: number; cost: number } = { depth: 12, cost: 5000 }) => ({
  MAX_DEPTH: count(defaults.depth),
  MAX_ALIASES: count(15),
  MAX_DIRECTIVES: count(20),
  MAX_TOKENS: count(2000),
  MAX_COST: count(defaults.cost),
  MAX_ROOT_FIELDS: count(10),
});

export const env = {
  port,
  secret,
  postgresUrl: z.string().startsWith('postgres').default('postgres://postgres@127.0.0.1:5432/factory_floor'),
  mongoUrl: z.string().startsWith('mongodb').default('mongodb://127.0.0.1:27017/'),
  url: (fallback: string) => z.url().default(fallback),
  /** A comma-separated list of known values; empty only where `allowEmpty` says so. */
  list: <T extends string>(
    values: readonly [T, ...T[]],
    fallback: readonly T[],
    { allowEmpty = false } = {},
  ) =>
    z
      .string()
      .default(fallback.join(','))
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(values)).min(allowEmpty ? 0 : 1)),
};

/** A subgraph's own limits: looser than the gateway's, whose fetches add a level or two. */
export const subgraphLimitEnv = limitEnv({ depth: 14, cost: 5000 });

/** WebSocket limits (gateway and orders); see socket-limits.ts for the codes. */
export const socketLimitEnv = (defaults: { connectionsPerIdentity: number }) => ({
  WS_MAX_PAYLOAD: count(100 * 1024),
  WS_MAX_SUBSCRIPTIONS: count(25),
  WS_MAX_CONNECTIONS_PER_IDENTITY: count(defaults.connectionsPerIdentity),
});
