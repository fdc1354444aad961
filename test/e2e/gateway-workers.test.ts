import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_METRICS_TOKEN } from '#kit/metrics/metrics-route.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { parsePrometheusText, sampleValue } from '#kit/testing/prometheus-text.ts';
import { isRunning } from '#kit/testing/processes.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { collect, eventually, wsClient, type Collected } from '../../gateway/test/ws-client.ts';

// The gateway as deployed with GATEWAY_WORKERS=2: a primary and two node:cluster workers sharing one
// port, each a whole gateway (its own subscription hub and upstream sockets), on real subgraphs.
type Update = { orderUpdated: { number: string; status: string; customer: { name: string } } };
const WATCH = 'subscription { orderUpdated { number status customer { name } } }';

const scrape = async (gateway: GatewayProcess) => {
  const response = await fetch(`${gateway.base}/metrics`, {
    headers: { authorization: `Bearer ${DEVELOPMENT_METRICS_TOKEN}` },
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return parsePrometheusText(text);
};
const gauge = async (gateway: GatewayProcess, name: string) => sampleValue(await scrape(gateway), name);
const placeOrder = async (url: string, customerId: string) => {
  const result = await graphql<{ placeOrder: { number: string } }>(
    url,
    'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
    { input: { customerId, lines: [{ product: 'WIDGET', quantity: 1 }] } },
    'operator',
  );
  expect(result.errors).toBeUndefined();
  return result.data!.placeOrder.number;
};
const statuses = (watcher: Collected<Update>, number: string) =>
  watcher.events.filter((e) => e.orderUpdated.number === number).map((e) => e.orderUpdated.status);
/** Clients (each on a socket of its own, so the primary deals them among the workers) until each worker has a group. */
async function watchOnEveryWorker(gateway: GatewayProcess, count: number) {
  const clients: Client[] = [];
  const watchers: Collected<Update>[] = [];
  for (let i = 0; i < count; i++) {
    const client = wsClient(gateway.url, 'viewer');
    clients.push(client);
    watchers.push(collect<Update>(client, WATCH));
  }
  await eventually(async () =>
    (await gauge(gateway, 'graphql_gateway_subscriptions_active')) === count ? true : undefined,
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // the orders subgraph registers them
  return { clients, watchers, dispose: () => Promise.all(clients.map((client) => client.dispose())) };
}

describe('the gateway as two workers on one port', () => {
  let stack: Supergraph;
  let gateway: GatewayProcess;
  let customerId: string;
  beforeAll(async () => {
    stack = await startSupergraph({ orders: { JOB_POLL_MS: '50' } });
    gateway = await spawnGateway({
      GATEWAY_WORKERS: '2',
      CUSTOMERS_URL: `${stack.customers.http.url}/graphql`,
      ORDERS_URL: `${stack.orders.http.url}/graphql`,
      FACTORY_URL: `${stack.factory.http.url}/graphql`,
      WS_MAX_CONNECTIONS_PER_IDENTITY: '100',
    });
    const created = await graphql<{ createCustomer: { id: string } }>(
      gateway.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Grace Hopper', email: `${crypto.randomUUID()}@example.com` } },
      'operator',
    );
    customerId = created.data!.createCustomer.id;
  }, 60_000);
  afterAll(async () => {
    await gateway?.kill();
    await stack?.close();
  });

  it('runs two workers that answer /health, /ready and queries', async () => {
    expect(gateway.workers()).toHaveLength(2);
    expect((await fetch(`${gateway.base}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.base}/ready`)).status).toBe(200);
    const answer = await graphql<{ customer: { name: string } }>(
      gateway.url,
      'query ($id: ID!) { customer(id: $id) { name } }',
      { id: customerId },
      'viewer',
    );
    expect(answer.data).toEqual({ customer: { name: 'Grace Hopper' } });
  });

  it('delivers subscriptions from both workers, and /metrics sums what both did', async () => {
    // Six sockets dealt round-robin: each worker holds some, with one upstream subscription each.
    const { watchers, dispose } = await watchOnEveryWorker(gateway, 6);
    expect(await gauge(gateway, 'graphql_gateway_subscription_upstreams_active')).toBe(2);
    const before = await gauge(gateway, 'graphql_gateway_subscription_events_total');

    const number = await placeOrder(gateway.url, customerId);
    await eventually(() =>
      watchers.every((w) => statuses(w, number).includes('COMPLETE')) ? true : undefined,
    );
    for (const watcher of watchers) {
      expect(watcher.errors).toEqual([]);
      expect(statuses(watcher, number)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
      expect(watcher.events.at(-1)!.orderUpdated.customer.name).toBe('Grace Hopper');
    }
    // Three events, resolved once in each worker's group: one worker alone would count 3.
    expect((await gauge(gateway, 'graphql_gateway_subscription_events_total')) - before).toBe(6);
    await dispose();
    await eventually(async () =>
      (await gauge(gateway, 'graphql_gateway_subscription_upstreams_active')) === 0 ? true : undefined,
    );
  });

  it('replaces a worker that is killed, and goes on serving meanwhile', async () => {
    const [victim, survivor] = gateway.workers() as [number, number];
    process.kill(victim, 'SIGKILL');
    await eventually(() => (!isRunning(victim) ? true : undefined));
    // The other worker answers at once; a scrape leaves out the dead one instead of failing.
    const answer = await graphql(gateway.url, '{ customers(first: 1) { totalCount } }', {}, 'viewer');
    expect(answer.errors).toBeUndefined();
    await scrape(gateway);

    const replaced = await eventually(() => {
      const now = gateway.workers();
      return now.length === 2 && !now.includes(victim) ? now : undefined;
    });
    expect(replaced).toContain(survivor);
    expect(gateway.logs.some((entry) => entry.msg === 'worker died: replacing it')).toBe(true);
    // The replacement serves: new sockets reach both workers again.
    await eventually(() =>
      gateway.logs.filter((entry) => entry.msg === 'gateway ready').length >= 3 ? true : undefined,
    );
    const { dispose } = await watchOnEveryWorker(gateway, 6);
    expect(await gauge(gateway, 'graphql_gateway_subscription_upstreams_active')).toBe(2);
    await dispose();
  });

  it('drains every worker on SIGTERM: clients are told the server is going away, and all exit', async () => {
    const workers = gateway.workers();
    const client = wsClient(gateway.url, 'viewer');
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (event) => resolve((event as CloseEvent).code)),
    );
    const watcher = collect<Update>(client, WATCH);
    await eventually(async () =>
      (await gauge(gateway, 'graphql_gateway_subscriptions_active')) === 1 ? true : undefined,
    );

    expect(await gateway.stop()).toEqual({ code: 0, signal: null });
    expect(await closed).toBe(1001);
    expect(watcher.completed || watcher.errors.length > 0).toBe(true);
    for (const pid of workers) expect(isRunning(pid)).toBe(false);
  });
});
