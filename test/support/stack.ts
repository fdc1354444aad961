import { startCustomersService } from '../../subgraphs/customers/src/app.ts';
import { loadCustomersConfig } from '../../subgraphs/customers/src/config.ts';
import { startOrdersService } from '../../subgraphs/orders/src/app.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/src/config.ts';
import { startFactoryService } from '../../subgraphs/factory/src/app.ts';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { startGateway } from '../../gateway/src/app.ts';
import { loadGatewayConfig } from '../../gateway/src/config.ts';
import { createPostgresDatabase, mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { TEST_JWT_SECRET } from '#kit/testing/tokens.ts';

export type Env = Record<string, string>;

/** Settings every in-process service of a test shares. */
export const baseEnv = (): Env => ({
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  JWT_SECRET: TEST_JWT_SECRET,
  SIM_TIME_SCALE: '0.01',
  PORT: '0',
});

export const startCustomers = async (env: Env) =>
  startCustomersService(loadCustomersConfig({ ...baseEnv(), ...env }));
export const startOrders = async (env: Env) => startOrdersService(loadOrdersConfig({ ...baseEnv(), ...env }));
export const startFactory = async (env: Env) =>
  startFactoryService(loadFactoryConfig({ ...baseEnv(), ...env }));
export const startGatewayFor = async (env: Env) => startGateway(loadGatewayConfig({ ...baseEnv(), ...env }));

/**
 * The whole supergraph in this process on ephemeral ports, over a fresh
 * PostgreSQL database and fresh MongoDB databases.
 */
export async function startSupergraph(
  overrides: { all?: Env; customers?: Env; orders?: Env; factory?: Env; gateway?: Env } = {},
) {
  const databaseUrl = await createPostgresDatabase('stack');
  const shared = { DATABASE_URL: databaseUrl, MONGODB_URL: mongoUrl(), ...overrides.all };
  const customers = await startCustomers({ ...shared, ...overrides.customers });
  const factory = await startFactory({
    ...shared,
    FACTORY_DB_PREFIX: `${mongoDatabaseName('factory')}_`,
    ...overrides.factory,
  });
  const orders = await startOrders({ ...shared, ...overrides.orders });
  const gateway = await startGatewayFor({
    ...shared,
    CUSTOMERS_URL: `${customers.http.url}/graphql`,
    ORDERS_URL: `${orders.http.url}/graphql`,
    FACTORY_URL: `${factory.http.url}/graphql`,
    ...overrides.gateway,
  });
  return {
    customers,
    orders,
    factory,
    gateway,
    url: `${gateway.http.url}/graphql`,
    databaseUrl,
    close: async () => {
      await gateway.close();
      await Promise.all([orders.close(), factory.close(), customers.close()]);
    },
  };
}

export type Supergraph = Awaited<ReturnType<typeof startSupergraph>>;
