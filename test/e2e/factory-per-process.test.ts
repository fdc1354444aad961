import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTORY_IDS, type FactoryId } from '#catalogue/products.ts';
import { freePort } from '#kit/ferretdb.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createPostgresDatabase, mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { startCustomers, startFactory, startGatewayFor, startOrders } from '../support/stack.ts';
import { eventually } from '../../gateway/test/ws-client.ts';
import { webhookSecretsEnv } from '../../subgraphs/orders/test/support/webhooks.ts';

// The chart's `factories.perProcess` shape on loopback: each factory run by a process of its own
// (FACTORIES=<id>), orders sending each factory's production requests to its process
// (FACTORY_URL_<ID>), and the gateway reading every factory through a process that runs none
// (READ_FACTORIES).
const CLIENT = { name: 'orders', secret: 'per-process-orders-client-secret' };

const closers: (() => Promise<unknown>)[] = [];
let stack: Awaited<ReturnType<typeof startPerProcess>>;
let mongo: MongoClient;

async function startPerProcess() {
  const databaseUrl = await createPostgresDatabase('perfactory');
  const factoryDbPrefix = `${mongoDatabaseName('factory')}_`;
  const ordersPort = await freePort();
  const customers = await startCustomers({ DATABASE_URL: databaseUrl });
  closers.push(() => customers.close());
  const factoryEnv = {
    MONGODB_URL: mongoUrl(),
    FACTORY_DB_PREFIX: factoryDbPrefix,
    ORDERS_WEBHOOK_URL: `http://127.0.0.1:${ordersPort}/webhooks/production`,
    FACTORY_BOOTSTRAP_CLIENT: `${CLIENT.name}:${CLIENT.secret}`,
    ...webhookSecretsEnv(),
  };
  const producers = new Map<FactoryId, Awaited<ReturnType<typeof startFactory>>>();
  for (const id of FACTORY_IDS) {
    const producer = await startFactory({ ...factoryEnv, FACTORIES: id });
    producers.set(id, producer);
    closers.push(() => producer.close());
  }
  const reader = await startFactory({
    ...factoryEnv,
    FACTORIES: '',
    READ_FACTORIES: FACTORY_IDS.join(','),
    FACTORY_BOOTSTRAP_CLIENT: 'off',
  });
  closers.push(() => reader.close());
  const readerUrl = `${reader.http.url}/graphql`;
  const urlOf = (id: FactoryId) => `${producers.get(id)!.http.url}/graphql`;
  const orders = await startOrders({
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongoUrl(),
    ORDERS_MONGO_DB: mongoDatabaseName('orders'),
    PORT: String(ordersPort),
    CUSTOMERS_URL: `${customers.http.url}/graphql`,
    // Not where production requests go: every factory has an address of its own.
    FACTORY_URL: readerUrl,
    FACTORY_URL_WIDGETS: urlOf('widgets'),
    FACTORY_URL_GADGETS: urlOf('gadgets'),
    FACTORY_URL_GIZMOS: urlOf('gizmos'),
    FACTORY_CLIENT_NAME: CLIENT.name,
    FACTORY_CLIENT_SECRET: CLIENT.secret,
    ...webhookSecretsEnv(),
  });
  closers.push(() => orders.close());
  const gateway = await startGatewayFor({
    CUSTOMERS_URL: `${customers.http.url}/graphql`,
    ORDERS_URL: `${orders.http.url}/graphql`,
    FACTORY_URL: readerUrl,
  });
  closers.push(() => gateway.close());
  return { producers, reader, readerUrl, factoryDbPrefix, url: `${gateway.http.url}/graphql` };
}

beforeAll(async () => {
  stack = await startPerProcess();
  mongo = await new MongoClient(mongoUrl()).connect();
  closers.push(() => mongo.close());
}, 120_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

const productionOrdersIn = (factory: FactoryId) =>
  mongo.db(`${stack.factoryDbPrefix}${factory}`).collection('production_orders');

type OrderView = {
  order: {
    status: string;
    lines: { factory: string; productionOrder: { status: string; factory: { id: string; name: string } } }[];
  };
};

describe('one process per factory, its reads served by a process that runs none', () => {
  it('completes an order whose lines each go to their own factory, and shows them through the gateway', async () => {
    expect([...stack.reader.factories.keys()]).toEqual([]);
    expect([...stack.reader.served.keys()]).toEqual([...FACTORY_IDS]);
    for (const [id, producer] of stack.producers) expect([...producer.factories.keys()]).toEqual([id]);

    const created = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Katherine Johnson', email: `${crypto.randomUUID()}@example.com` } },
      'operator',
    );
    const placed = await graphql<{ placeOrder: { number: string } }>(
      stack.url,
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      {
        input: {
          customerId: created.data!.createCustomer.id,
          lines: ['WIDGET', 'GADGET', 'GIZMO'].map((product) => ({ product, quantity: 1 })),
        },
      },
      'operator',
    );
    const number = placed.data!.placeOrder.number;
    const query = `query ($number: String!) { order(number: $number) {
      status lines { factory productionOrder { status factory { id name } } } } }`;
    const complete = await eventually(async () => {
      const { data } = await graphql<OrderView>(stack.url, query, { number }, 'viewer');
      return data?.order.status === 'COMPLETE' ? data.order : undefined;
    }, 60_000);
    for (const line of complete.lines) {
      expect(line.productionOrder.status, line.factory).toBe('COMPLETED');
      expect(line.productionOrder.factory.id).toBe(line.factory);
      // Stored by the factory's own process, in its own database, once.
      expect(
        await productionOrdersIn(line.factory as FactoryId).countDocuments({ orderNumber: number }),
      ).toBe(1);
    }
    expect(complete.lines.map((line) => line.factory).sort()).toEqual([...FACTORY_IDS].sort());

    const { data } = await graphql<{ factories: { id: string; completed: number }[] }>(
      stack.url,
      '{ factories { id completed } }',
      {},
      'viewer',
    );
    expect(data!.factories.map((factory) => factory.id)).toEqual([...FACTORY_IDS]);
    for (const factory of data!.factories) expect(factory.completed, factory.id).toBeGreaterThanOrEqual(1);
  });

  it('refuses a production request at the read-only process, naming the factory, and stores nothing', async () => {
    const orderNumber = `PER-PROCESS-${Date.now()}`;
    const response = await fetch(stack.readerUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${CLIENT.name}:${CLIENT.secret}`).toString('base64')}`,
      },
      body: JSON.stringify({
        query: `mutation ($input: ProductionRequestInput!) {
          submitProductionRequest(factory: "gadgets", input: $input) { orderNumber } }`,
        variables: {
          input: { orderNumber, lines: [{ lineId: crypto.randomUUID(), product: 'GADGET', quantity: 1 }] },
        },
      }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(body.errors?.[0]?.message).toMatch(/Gadget Foundry is not produced by this process/);
    expect(await productionOrdersIn('gadgets').countDocuments({ orderNumber })).toBe(0);
  });
});
