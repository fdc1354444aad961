import { createPostgresDatabase, mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { freePort } from '#kit/ferretdb.ts';
import { baseEnv, startCustomers, startFactory, type Env } from '../../../../test/support/stack.ts';
import { webhookSecretsEnv } from './webhooks.ts';
import { startOrdersService, type OrdersOptions } from '../../src/app.ts';
import { loadOrdersConfig } from '../../src/config.ts';

/** Settings of an orders process in tests: fast polls and retries, no random orders. */
export const ordersTestEnv = (): Env => ({
  ...baseEnv(),
  JOB_POLL_MS: '50',
  ORDERS_AGENDA_PROCESS_EVERY_MS: '100',
  RETRY_BASE_MS: '50',
  RETRY_MAX_MS: '500',
  RANDOM_ORDERS_EVERY: 'off',
  ...webhookSecretsEnv(),
});

export const startOrdersProcess = (env: Env, options: OrdersOptions = {}) =>
  startOrdersService(loadOrdersConfig({ ...ordersTestEnv(), ...env }), options);

/**
 * Customers and orders over a fresh database; FACTORY_URL points at a port
 * where nothing listens unless the test starts a factory there.
 */
export async function startOrdersWithCustomers(env: Env = {}) {
  const databaseUrl = await createPostgresDatabase('orders');
  const factoryPort = await freePort();
  const customers = await startCustomers({ DATABASE_URL: databaseUrl });
  const shared = {
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongoUrl(),
    ORDERS_MONGO_DB: mongoDatabaseName('orders'),
    CUSTOMERS_URL: `${customers.http.url}/graphql`,
    FACTORY_URL: `http://127.0.0.1:${factoryPort}/graphql`,
    ...env,
  };
  const orders = await startOrdersProcess(shared);
  return {
    customers,
    orders,
    databaseUrl,
    factoryPort,
    shared,
    customersUrl: `${customers.http.url}/graphql`,
    ordersUrl: `${orders.http.url}/graphql`,
    close: async () => {
      await orders.close();
      await customers.close();
    },
  };
}

/**
 * A real factory on the port the orders service expects. Its completion
 * webhooks go to `webhookUrl`, or nowhere (the test then sends them itself).
 */
export async function startFactoryFor(stack: { factoryPort: number }, webhookUrl?: string) {
  return startFactory({
    PORT: String(stack.factoryPort),
    MONGODB_URL: mongoUrl(),
    FACTORY_DB_PREFIX: `${mongoDatabaseName('factory')}_`,
    ORDERS_WEBHOOK_URL: webhookUrl ?? `http://127.0.0.1:${await freePort()}/webhooks/production`,
    ...webhookSecretsEnv(),
  });
}
