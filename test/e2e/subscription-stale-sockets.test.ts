import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { collect, eventually, wsClient } from '../../gateway/test/ws-client.ts';
import { subgraphProxy } from '../support/subgraph-proxy.ts';
import { startGatewayFor, startSupergraph, type Supergraph } from '../support/stack.ts';

type Update = { orderUpdated: { number: string; status: string; customer: { name: string } } };
const WATCH = `subscription { orderUpdated { number status customer { name email }
  lines { product productionOrder { status factory { id } } } } }`;
const READ = '{ orders(first: 5) { edges { node { number customer { name } } } } }';

/**
 * Subscription events resolved while HTTP queries run through the same
 * gateway, and the customers subgraph closes connections that sat idle:
 * every event must still carry its customer (a failed entity fetch nulls
 * the non-null `customer`, and with it the whole event).
 */
describe('subscription events when a subgraph closes idle keep-alive connections', () => {
  let stack: Supergraph;
  let proxy: Awaited<ReturnType<typeof subgraphProxy>>;
  let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
  const logged: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  beforeAll(async () => {
    stack = await startSupergraph({ all: { SIM_TIME_SCALE: '0.01' }, orders: { JOB_POLL_MS: '50' } });
    proxy = await subgraphProxy(stack.customers.http, 150);
    gateway = await startGatewayFor(
      {
        CUSTOMERS_URL: `${proxy.url}/graphql`,
        ORDERS_URL: `${stack.orders.http.url}/graphql`,
        FACTORY_URL: `${stack.factory.http.url}/graphql`,
      },
      logger,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await proxy?.close();
    await stack?.close();
  });

  it('resolves every event and every query, retrying a read on a connection the subgraph closed', async () => {
    const url = `${gateway.http.url}/graphql`;
    const created = await graphql<{ createCustomer: { id: string } }>(
      url,
      'mutation { createCustomer(input: { name: "Grace Hopper", email: "grace@example.com" }) { id } }',
      {},
      'operator',
    );
    const customerId = created.data!.createCustomer.id;
    const client = wsClient(url, 'viewer');
    const watcher = collect<Update>(client, WATCH);
    await eventually(() => (gateway.subscriptions().connected === 1 ? true : undefined));

    // Parallel reads through the gateway, at uneven gaps, so pooled sockets sit idle for various times.
    let reading = true;
    const readErrors: unknown[] = [];
    const reads = (async () => {
      while (reading) {
        const result = await graphql(url, READ, {}, 'viewer');
        if (result.errors) readErrors.push(...result.errors);
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 250));
      }
    })();

    const numbers: string[] = [];
    for (let index = 0; index < 6; index++) {
      const placed = await graphql<{ placeOrder: { number: string } }>(
        url,
        'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
        { id: customerId },
        'operator',
      );
      expect(placed.errors).toBeUndefined();
      numbers.push(placed.data!.placeOrder.number);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const completed = () => watcher.events.filter((event) => event.orderUpdated.status === 'COMPLETE').length;
    await eventually(
      () => (completed() + watcher.errors.length >= numbers.length ? true : undefined),
      30_000,
    );
    reading = false;
    await reads;
    // The reads' random gaps may all have been short: after a pause past the proxy's idle limit, the
    // next read meets a closed connection for certain.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const last = await graphql(url, READ, {}, 'viewer');
    if (last.errors) readErrors.push(...last.errors);
    watcher.stop();
    await client.dispose();

    // The proxy did close connections under the gateway; nobody saw it.
    expect(proxy.resets()).toBeGreaterThan(0);
    expect(watcher.errors).toEqual([]);
    expect(readErrors).toEqual([]);
    expect(watcher.events.every((event) => event.orderUpdated.customer.name === 'Grace Hopper')).toBe(true);
    expect(new Set(watcher.events.map((event) => event.orderUpdated.number))).toEqual(new Set(numbers));
    expect(logged).toEqual([]);
  }, 60_000);

  it('logs, with the request id and the subgraph, an entity fetch that still fails', async () => {
    const url = `${gateway.http.url}/graphql`;
    const client = wsClient(url, 'viewer');
    const watcher = collect<Update>(client, WATCH);
    await eventually(() => (gateway.subscriptions().connected === 1 ? true : undefined));
    proxy.setIdleMs(0); // customers now resets every request
    const customerId = (
      await graphql<{ orders: { edges: { node: { customer: { id: string } } }[] } }>(
        stack.url,
        '{ orders(first: 1) { edges { node { customer { id } } } } }',
        {},
        'viewer',
      )
    ).data!.orders.edges[0]!.node.customer.id;
    await graphql(
      stack.url,
      'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: GIZMO, quantity: 1 }] }) { number } }',
      { id: customerId },
      'operator',
    );
    await eventually(() => (watcher.errors.length > 0 ? true : undefined));
    watcher.stop();
    await client.dispose();
    expect(watcher.errors[0]).toMatchObject({ extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const failure = logged.find((line) => line.msg === 'subgraph fetch failed');
    expect(failure).toMatchObject({ level: 40, subgraph: 'customers', err: { code: 'ECONNRESET' } });
    expect(failure!.requestId).toEqual(expect.any(String));
  }, 60_000);
});
