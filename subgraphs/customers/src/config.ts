import { z } from 'zod';
import { commonEnv, env, loadConfig, subgraphLimitEnv } from '#kit/config.ts';

export const customersConfigSchema = z.object({
  ...commonEnv,
  ...subgraphLimitEnv,
  PORT: env.port(4001),
  DATABASE_URL: env.postgresUrl,
});

export type CustomersConfig = z.infer<typeof customersConfigSchema>;

export const loadCustomersConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(customersConfigSchema, source);
