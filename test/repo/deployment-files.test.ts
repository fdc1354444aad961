import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { customersConfigSchema } from '../../subgraphs/customers/src/config.ts';
import { ordersConfigSchema } from '../../subgraphs/orders/src/config.ts';
import { factoryConfigSchema } from '../../subgraphs/factory/src/config.ts';
import { gatewayConfigSchema } from '../../gateway/src/config.ts';
import { sheetsEnvSchema } from '../../subgraphs/orders/src/sheets/sheets-config.ts';

// Docker cannot run here, so the compose file and .env.example are checked against the code instead.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<
    string,
    { environment?: Record<string, unknown>; command?: string[]; depends_on?: object }
  >;
};
const schemas = {
  customers: customersConfigSchema,
  orders: ordersConfigSchema,
  factory: factoryConfigSchema,
  gateway: gatewayConfigSchema,
};
const variablesOf = (name: keyof typeof schemas) => Object.keys(schemas[name].shape);

describe('docker-compose.yml', () => {
  it('runs the databases and the four services, each from its own entry point', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['customers', 'factory', 'gateway', 'mongo', 'orders', 'postgres'].sort(),
    );
    for (const name of Object.keys(schemas)) {
      const entry = compose.services[name]!.command!.at(-1)!;
      expect(read(entry)).toContain('closeOnSignals');
    }
  });

  it('sets only environment variables that the service reads', () => {
    for (const name of Object.keys(schemas) as (keyof typeof schemas)[]) {
      const set = Object.keys(compose.services[name]!.environment ?? {});
      expect(
        set.filter((variable) => !variablesOf(name).includes(variable)),
        name,
      ).toEqual([]);
    }
  });

  it('starts each service after what it depends on', () => {
    expect(Object.keys(compose.services.gateway!.depends_on!).sort()).toEqual([
      'customers',
      'factory',
      'orders',
    ]);
    expect(Object.keys(compose.services.orders!.depends_on!)).toEqual(
      expect.arrayContaining(['postgres', 'mongo']),
    );
  });
});

describe('.env.example', () => {
  const listed = read('.env.example')
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name));
  const known = new Set([
    ...Object.keys(schemas).flatMap((name) => variablesOf(name as keyof typeof schemas)),
    ...Object.keys(sheetsEnvSchema.shape),
  ]);

  it('lists every variable a service reads', () => {
    expect([...known].filter((variable) => !listed.includes(variable))).toEqual([]);
  });

  it('lists nothing that no service reads', () => {
    const extra = [
      'SEED_CUSTOMERS',
      'MONGODB_URL',
      'FERRETDB_BIN',
      'CUSTOMERS_PORT',
      'ORDERS_PORT',
      'FACTORY_PORT',
    ];
    expect(listed.filter((variable) => !known.has(variable) && !extra.includes(variable))).toEqual([]);
  });
});
