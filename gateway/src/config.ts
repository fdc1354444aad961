import { z } from 'zod';
import { commonEnv, env, loadConfig } from '#kit/config.ts';

export const gatewayConfigSchema = z.object({
  ...commonEnv,
  PORT: env.port(4000),
  CUSTOMERS_URL: env.url('http://127.0.0.1:4001/graphql'),
  ORDERS_URL: env.url('http://127.0.0.1:4002/graphql'),
  FACTORY_URL: env.url('http://127.0.0.1:4003/graphql'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(gatewayConfigSchema, source);

/** Where each subgraph of the supergraph lives, by its name in the supergraph. */
export const subgraphUrls = (config: GatewayConfig): Record<string, string> => ({
  customers: config.CUSTOMERS_URL,
  orders: config.ORDERS_URL,
  factory: config.FACTORY_URL,
});
