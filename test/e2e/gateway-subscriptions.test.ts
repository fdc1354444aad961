import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { mongoUrl } from '#kit/testing/databases.ts';
import { startCustomers, startOrders, startSupergraph, type Supergraph } from '../support/stack.ts';
import { collect, eventually, wsClient } from '../../gateway/test/ws-client.ts';

type Update = {
  orderUpdated: {
    number: string;
    status: string;
    customer: { name: string };
    lines: { product: string; productionOrder: { status: string; factory: { id: string } } | null }[];
  };
};
const WATCH = `subscription ($n: String) {
  orderUpdated(number: $n) { number status customer { name } lines { product productionOrder { status factory { id } } } }
}`;

const createCustomer = async (url: string, name: string) => {
  const result = await graphql<{ createCustomer: { id: string } }>(
    url,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name, email: `${crypto.randomUUID()}@example.com` } },
    'operator',
  );
  return result.data!.createCustomer.id;
};
const placeOrder = async (url: string, customerId: string, quantity = 1) => {
  const result = await graphql<{ placeOrder: { number: string } }>(
    url,
    'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
    {
      input: {
        customerId,
        lines: [
          { product: 'WIDGET', quantity },
          { product: 'GADGET', quantity: 1 },
        ],
      },
    },
    'operator',
  );
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.number;
};
const statuses = (events: Update[], number: string) =>
  events.filter((event) => event.orderUpdated.number === number).map((event) => event.orderUpdated.status);

describe('federated subscriptions through the gateway', () => {
  let stack: Supergraph;
  let customerId: string;
  beforeAll(async () => {
    stack = await startSupergraph({
      all: { SIM_TIME_SCALE: '0.01' },
      orders: { JOB_POLL_MS: '50' },
      // Every client here is the same test viewer: the per-identity socket limit is not what is tested.
      gateway: { WS_MAX_CONNECTIONS_PER_IDENTITY: '1000' },
    });
    customerId = await createCustomer(stack.url, 'Katherine Johnson');
  });
  afterAll(async () => stack?.close());

  it('delivers every event of one order, in order, to 200 subscribers sharing one upstream', async () => {
    // A fresh database numbers its first order ORD-000001, so the watchers can be in place before it exists.
    const number = 'ORD-000001';
    const clients = Array.from({ length: 200 }, () => wsClient(stack.url, 'viewer'));
    const watchers = clients.map((client) => collect<Update>(client, WATCH, { n: number }));
    await eventually(() => {
      const stats = stack.gateway.subscriptions();
      return stats.clients === 200 && stats.connected === 1 ? stats : undefined;
    });
    expect(stack.gateway.subscriptions().upstreams).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the orders subgraph register the subscription

    expect(await placeOrder(stack.url, customerId)).toBe(number);
    await eventually(() =>
      watchers.every((w) => statuses(w.events, number).includes('COMPLETE')) ? true : undefined,
    );

    for (const watcher of watchers) {
      expect(watcher.errors).toEqual([]);
      expect(statuses(watcher.events, number)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    }
    // Fields from orders, customers and factory in one event.
    const complete = watchers[0]!.events.at(-1)!.orderUpdated;
    expect(complete.customer.name).toBe('Katherine Johnson');
    expect(
      complete.lines.map((line) => [
        line.product,
        line.productionOrder?.status,
        line.productionOrder?.factory.id,
      ]),
    ).toEqual([
      ['WIDGET', 'COMPLETED', 'widgets'],
      ['GADGET', 'COMPLETED', 'gadgets'],
    ]);
    watchers.forEach((watcher) => watcher.stop());
    await Promise.all(clients.map((client) => client.dispose()));
    await eventually(() => (stack.gateway.subscriptions().upstreams === 0 ? true : undefined));
  });

  it('keeps a client receiving after the orders subgraph restarts', async () => {
    const client = wsClient(stack.url, 'viewer');
    const watcher = collect<Update>(client, WATCH, {});
    await eventually(() => (stack.gateway.subscriptions().connected === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await placeOrder(stack.url, customerId);
    await eventually(() => (statuses(watcher.events, before).includes('COMPLETE') ? true : undefined));

    // Stop the orders service and start a new one on the same port and database.
    const port = stack.orders.http.port;
    await stack.orders.close();
    stack.orders = await startOrders({
      DATABASE_URL: stack.databaseUrl,
      MONGODB_URL: mongoUrl(),
      CUSTOMERS_URL: `${stack.customers.http.url}/graphql`,
      FACTORY_URL: `${stack.factory.http.url}/graphql`,
      JOB_POLL_MS: '50',
      PORT: String(port),
    });
    await eventually(() => (stack.gateway.subscriptions().connected === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const after = await placeOrder(stack.url, customerId);
    await eventually(() => (statuses(watcher.events, after).includes('COMPLETE') ? true : undefined));
    expect(statuses(watcher.events, after)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    expect(watcher.completed).toBe(false);
    watcher.stop();
    await client.dispose();
  });

  it('delivers a failed per-event resolution as GraphQL errors on that event, and goes on', async () => {
    const client = wsClient(stack.url, 'viewer');
    const watcher = collect<Update>(
      client,
      'subscription { orderUpdated { number status customer { name } } }',
    );
    await eventually(() => (stack.gateway.subscriptions().connected === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A long order (its SCHEDULED and COMPLETE events come later), then customers goes away:
    // the gateway's fetch of customer { name } for those events fails.
    await placeOrder(stack.url, customerId, 40);
    const port = stack.customers.http.port;
    await stack.customers.close();
    await eventually(() => (watcher.errors.length > 0 ? true : undefined));
    expect((watcher.errors[0] as { extensions: { code: string } }).extensions.code).toBe(
      'INTERNAL_SERVER_ERROR',
    );
    expect((watcher.errors[0] as { message: string }).message).toBe('Internal server error');

    stack.customers = await startCustomers({ DATABASE_URL: stack.databaseUrl, PORT: String(port) });
    const later = await placeOrder(stack.url, customerId);
    await eventually(() => (statuses(watcher.events, later).includes('COMPLETE') ? true : undefined));
    expect(watcher.completed).toBe(false);
    watcher.stop();
    await client.dispose();
  });
});
