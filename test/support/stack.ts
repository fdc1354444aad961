import { startCustomersService } from '../../subgraphs/customers/src/app.ts';
import { loadCustomersConfig } from '../../subgraphs/customers/src/config.ts';
import { startOrdersService, type OrdersOptions } from '../../subgraphs/orders/src/app.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/src/config.ts';
import { startFactoryService } from '../../subgraphs/factory/src/app.ts';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { startGateway } from '../../gateway/src/app.ts';
import { loadGatewayConfig } from '../../gateway/src/config.ts';
import { createPostgresDatabase, mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { freePort } from '#kit/ferretdb.ts';
import type { Logger } from '#kit/logger.ts';

export type Env = Record<string, string>;

/** Settings every in-process service of a test shares. */
export const baseEnv = (): Env => ({
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  JWT_SECRET: TEST_JWT_SECRET,
  SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
  SIM_TIME_SCALE: '0.01',
  PORT: '0',
});

export const startCustomers = async (env: Env) =>
  startCustomersService(loadCustomersConfig({ ...baseEnv(), ...env }));
export const startOrders = async (env: Env, options?: OrdersOptions) =>
  startOrdersService(loadOrdersConfig({ ...baseEnv(), ...env }), options);
export const startFactory = async (env: Env) =>
  startFactoryService(loadFactoryConfig({ ...baseEnv(), ...env }));
export const startGatewayFor = async (env: Env, logger?: Logger) =>
  startGateway(loadGatewayConfig({ ...baseEnv(), ...env }), logger);

/**
 * The whole supergraph in this process on ephemeral ports, over a fresh
 * PostgreSQL database and fresh MongoDB databases.
 */
export async function startSupergraph(
  overrides: {
    all?: Env;
    customers?: Env;
    orders?: Env;
    factory?: Env;
    gateway?: Env;
    /** Options of the orders service beside its environment (extra outbox sinks). */
    ordersOptions?: OrdersOptions;
    /** Chosen by the caller, e.g. to put a recording proxy in front of one subgraph. */
    ports?: { customersPort: number; ordersPort: number; factoryPort: number };
  } = {},
) {
  const databaseUrl = await createPostgresDatabase('stack');
  // Ports are chosen up front because the services point at each other (orders -> factory -> orders webhook).
  const { customersPort, ordersPort, factoryPort } = overrides.ports ?? {
    customersPort: await freePort(),
    ordersPort: await freePort(),
    factoryPort: await freePort(),
  };
  const shared = {
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongoUrl(),
    CUSTOMERS_URL: `http://127.0.0.1:${customersPort}/graphql`,
    ORDERS_URL: `http://127.0.0.1:${ordersPort}/graphql`,
    FACTORY_URL: `http://127.0.0.1:${factoryPort}/graphql`,
    ORDERS_WEBHOOK_URL: `http://127.0.0.1:${ordersPort}/webhooks/production`,
    ...overrides.all,
  };
  const customers = await startCustomers({ ...shared, PORT: String(customersPort), ...overrides.customers });
  const factory = await startFactory({
    ...shared,
    PORT: String(factoryPort),
    FACTORY_DB_PREFIX: `${mongoDatabaseName('factory')}_`,
    ...overrides.factory,
  });
  const orders = await startOrders(
    {
      ...shared,
      PORT: String(ordersPort),
      ORDERS_MONGO_DB: mongoDatabaseName('orders'),
      ...overrides.orders,
    },
    overrides.ordersOptions,
  );
  const gateway = await startGatewayFor({ ...shared, ...overrides.gateway });
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
