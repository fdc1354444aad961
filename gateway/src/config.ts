import { z } from 'zod';
import { commonEnv, env, limitEnv, loadConfig, socketLimitEnv, userTokenEnv } from '#kit/config.ts';
import { ROLES } from '#kit/auth.ts';

/** "true"/"false" (or 1/0) switch; unset falls back to `fallback`. */
const flag = (fallback?: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));
const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const gatewayConfigSchema = z.object({
  ...commonEnv,
  ...userTokenEnv,
  ...limitEnv(),
  ...socketLimitEnv({ connectionsPerIdentity: 10 }),
  PORT: env.port(4000),
  /**
   * Processes serving the port (node:cluster workers, each a whole gateway with its own
   * subscription hub and upstream sockets); 1: this process alone.
   */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  CUSTOMERS_URL: env.url('http://127.0.0.1:4001/graphql'),
  ORDERS_URL: env.url('http://127.0.0.1:4002/graphql'),
  FACTORY_URL: env.url('http://127.0.0.1:4003/graphql'),
  /** static: schema/supergraph.graphql; introspect: compose from the running subgraphs (development). */
  SUPERGRAPH_SOURCE: z.enum(['static', 'introspect']).default('static'),
  SUPERGRAPH_PATH: z.string().optional(),
  MAX_BODY_SIZE: z.string().default('100kb'),
  CSRF_PREVENTION: flag(true),
  /** Unset: on except in production. */
  INTROSPECTION: flag(),
  FIELD_SUGGESTIONS: flag(),
  /** Unset: on except in production. */
  GRAPHIQL: flag(),
  /**
   * Origins (comma-separated, or `*`) whose pages may call /graphql from a
   * browser. Unset: none, only the gateway's own pages (GraphiQL, console).
   */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((text) =>
      text
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal('*'), z.url()]))),
  /** The weakest role allowed to open a WebSocket. */
  WS_MIN_ROLE: z.enum(ROLES).default('viewer'),
  SUBSCRIPTION_RETRY_BASE_MS: count(250),
  SUBSCRIPTION_RETRY_MAX_MS: count(10_000),
  READY_TIMEOUT_MS: count(2000),
  /** Identical reads in flight at once, for the same caller, share one subgraph fetch. */
  DEDUPLICATE_READS: flag(true),
  /** @apollo/gateway's anonymous usage reports to Apollo: off unless you opt in. */
  APOLLO_TELEMETRY: flag(false),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(gatewayConfigSchema, source);

/** Whether introspection / field suggestions are on, after the production default. */
export const introspectionEnabled = (config: GatewayConfig) =>
  config.INTROSPECTION ?? config.NODE_ENV !== 'production';
export const graphiqlEnabled = (config: GatewayConfig) => config.GRAPHIQL ?? config.NODE_ENV !== 'production';
export const suggestionsEnabled = (config: GatewayConfig) =>
  config.FIELD_SUGGESTIONS ?? config.NODE_ENV !== 'production';

/** Where each subgraph of the supergraph lives, by its name in the supergraph. */
export const subgraphUrls = (config: GatewayConfig): Record<string, string> => ({
  customers: config.CUSTOMERS_URL,
  orders: config.ORDERS_URL,
  factory: config.FACTORY_URL,
});
