import type { z } from 'zod';
import { ConfigError, loadConfig } from '#kit/config.ts';
import { customersConfigSchema } from '../../../subgraphs/customers/src/config.ts';
import { ordersConfigSchema } from '../../../subgraphs/orders/src/config.ts';
import { factoryConfigSchema, factoryProcessConfigSchema } from '../../../subgraphs/factory/src/config.ts';
import { gatewayConfigSchema } from '../../../gateway/src/config.ts';
import { FACTORY_IDS, type FactoryId } from '#catalogue/products.ts';

/** Our four programs, by the entry point a container runs. */
export const PROGRAMS = {
  customers: { entry: 'subgraphs/customers/src/index.ts', schema: customersConfigSchema },
  orders: { entry: 'subgraphs/orders/src/index.ts', schema: ordersConfigSchema },
  // A factory process checks only the secrets of the factories it runs (the schema as its loader applies it).
  factory: {
    entry: 'subgraphs/factory/src/index.ts',
    schema: factoryConfigSchema,
    loaded: factoryProcessConfigSchema,
  },
  gateway: { entry: 'gateway/src/index.ts', schema: gatewayConfigSchema },
} as const;
export type Program = keyof typeof PROGRAMS;

export const programOf = (command: readonly string[] | undefined): Program | undefined =>
  (Object.keys(PROGRAMS) as Program[]).find((name) => command?.includes(PROGRAMS[name].entry));

const schemaOf = (program: Program): z.ZodObject => PROGRAMS[program].schema as unknown as z.ZodObject;
export const variablesOf = (program: Program) => Object.keys(schemaOf(program).shape);

const loadedSchemaOf = (program: Program) =>
  ('loaded' in PROGRAMS[program] ? PROGRAMS[program].loaded : schemaOf(program)) as z.ZodType;

/**
 * The secrets a program refuses to start without in production (found by asking its config, not by
 * name), given the settings that decide which it needs (`FACTORIES`: a factory process needs only
 * the secrets of the factories it runs).
 */
export function secretsOf(program: Program, scope: Record<string, string | undefined> = {}): string[] {
  try {
    loadConfig(loadedSchemaOf(program), { ...scope, NODE_ENV: 'production' });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.flatMap((issue) => /^(\w+): must be set in production/.exec(issue)?.[1] ?? []);
  }
}

/** The configuration the program would run with, from its environment and its schema's defaults. */
export const resolveConfig = (program: Program, environment: Record<string, unknown>) =>
  loadConfig(
    loadedSchemaOf(program),
    Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)])),
  ) as Record<string, unknown>;

/**
 * What each address variable must point at: one of our programs, or a database. A factory address
 * also says which factories the process behind it must answer for: `runs` (produces) or `reads`.
 */
export const ADDRESS_TARGETS: Record<
  string,
  { target: Program | 'postgres' | 'mongo'; path?: string; runs?: FactoryId[]; reads?: FactoryId[] }
> = {
  CUSTOMERS_URL: { target: 'customers', path: '/graphql' },
  ORDERS_URL: { target: 'orders', path: '/graphql' },
  FACTORY_URL: { target: 'factory', path: '/graphql', reads: [...FACTORY_IDS] },
  FACTORY_URL_WIDGETS: { target: 'factory', path: '/graphql', runs: ['widgets'] },
  FACTORY_URL_GADGETS: { target: 'factory', path: '/graphql', runs: ['gadgets'] },
  FACTORY_URL_GIZMOS: { target: 'factory', path: '/graphql', runs: ['gizmos'] },
  ORDERS_WEBHOOK_URL: { target: 'orders', path: '/webhooks/production' },
  DATABASE_URL: { target: 'postgres' },
  MONGODB_URL: { target: 'mongo' },
};

const ADDRESS_PROTOCOLS = new Set(['http:', 'https:', 'ws:', 'wss:', 'postgres:', 'postgresql:', 'mongodb:']);

/** Every address in a resolved configuration: each value that is a URL a service would call (one per host). */
export function addressesOf(
  config: Record<string, unknown>,
): { variable: string; value: string; url: URL }[] {
  return Object.entries(config).flatMap(([variable, value]) => {
    if (typeof value !== 'string') return [];
    // A MongoDB seed list (host1,host2/...) is no WHATWG URL: one URL per host.
    const seeds = /^(mongodb:\/\/(?:[^@/]*@)?)([^/?]+)(.*)$/.exec(value);
    const urls = seeds ? seeds[2]!.split(',').map((host) => `${seeds[1]}${host}${seeds[3]}`) : [value];
    return urls.flatMap((text) => {
      if (!URL.canParse(text)) return [];
      const url = new URL(text);
      return ADDRESS_PROTOCOLS.has(url.protocol) ? [{ variable, value, url }] : [];
    });
  });
}

export const defaultPort = (url: URL) =>
  Number(
    url.port ||
      { 'http:': 80, 'https:': 443, 'postgres:': 5432, 'postgresql:': 5432, 'mongodb:': 27017 }[url.protocol],
  );
