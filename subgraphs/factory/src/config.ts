import { z } from 'zod';
import { commonEnv, env, loadConfig } from '#kit/config.ts';
import { FACTORY_IDS } from './factory/factories.ts';

export const factoryConfigSchema = z.object({
  ...commonEnv,
  PORT: env.port(4003),
  MONGODB_URL: env.mongoUrl,
  /** Which factories this process runs, e.g. `widgets` or `widgets,gadgets,gizmos`. */
  FACTORIES: env.list(FACTORY_IDS, FACTORY_IDS),
  /** Prefix of each factory's database name: `<prefix>widgets`, ... */
  FACTORY_DB_PREFIX: z.string().default('factory_floor_'),
});

export type FactoryConfig = z.infer<typeof factoryConfigSchema>;

export const loadFactoryConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(factoryConfigSchema, source);
