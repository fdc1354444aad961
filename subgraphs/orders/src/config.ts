import { z } from 'zod';
import { commonEnv, env, loadConfig } from '#kit/config.ts';

export const ordersConfigSchema = z.object({
  ...commonEnv,
  PORT: env.port(4002),
  DATABASE_URL: env.postgresUrl,
  MONGODB_URL: env.mongoUrl,
});

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;

export const loadOrdersConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(ordersConfigSchema, source);
