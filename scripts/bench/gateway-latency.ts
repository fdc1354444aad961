/**
 * Gateway latency, in one run on one machine:
 *  1. a representative federated query (order + customer + production orders) through the gateway,
 *     beside the orders-only part of it sent to the orders subgraph directly and through the gateway,
 *     called one at a time, interleaved; median and p99 of each.
 *  2. subscription event latency from the status change's commit (its history timestamp, written in
 *     the committing transaction) to each of 200 graphql-ws clients; median and p99.
 * Real services in this process on PostgreSQL (DATABASE_URL, else localhost) and MongoDB-wire
 * (MONGODB_URL, else a FerretDB started here).
 *   node scripts/bench/gateway-latency.ts [--queries=400] [--subscribers=200] [--orders=15]
 */
import pg from 'pg';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { signToken } from '#kit/auth.ts';
import { freePort, throwawayMongo } from '#kit/ferretdb.ts';
import { startCustomersService } from '../../subgraphs/customers/src/app.ts';
import { loadCustomersConfig } from '../../subgraphs/customers/src/config.ts';
import { startFactoryService } from '../../subgraphs/factory/src/app.ts';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { startOrdersService } from '../../subgraphs/orders/src/app.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/src/config.ts';
import { startGateway } from '../../gateway/src/app.ts';
import { loadGatewayConfig } from '../../gateway/src/config.ts';
import { benchSecrets } from './secrets.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const QUERIES = arg('queries', 400);
const SUBSCRIBERS = arg('subscribers', 200);
const ORDERS = arg('orders', 15);
const secrets = benchSecrets();
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const summary = (values: number[]) => ({
  n: values.length,
  'median ms': +pct(values, 50).toFixed(2),
  'p99 ms': +pct(values, 99).toFixed(2),
});

/** What the gateway would send the orders subgraph for the bench's admin (so direct calls are let in too). */
const ordersIdentity = () =>
  signGatewayIdentity(secrets.SERVICE_TOKEN_SECRET, { sub: 'bench', role: 'admin' }, 'orders');

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      [IDENTITY_HEADER]: await ordersIdentity(),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const mongo = await throwawayMongo('bench');
const mongoUrl = mongo.url;
const stopMongo = mongo.stop;
const dbName = `ff_bench_gateway_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;
const [customersPort, factoryPort, ordersPort] = [await freePort(), await freePort(), await freePort()];
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  ...secrets,
  SIM_TIME_SCALE: '0',
  DATABASE_URL: dbUrl.toString(),
  MONGODB_URL: mongoUrl,
  CUSTOMERS_URL: `http://127.0.0.1:${customersPort}/graphql`,
  ORDERS_URL: `http://127.0.0.1:${ordersPort}/graphql`,
  FACTORY_URL: `http://127.0.0.1:${factoryPort}/graphql`,
  ORDERS_WEBHOOK_URL: `http://127.0.0.1:${ordersPort}/webhooks/production`,
  FACTORY_DB_PREFIX: `ff_bench_gw_${Date.now().toString(36)}_`,
  RANDOM_ORDERS_EVERY: 'off',
  JOB_POLL_MS: '20',
};
const customers = await startCustomersService(loadCustomersConfig({ ...env, PORT: String(customersPort) }));
const factory = await startFactoryService(loadFactoryConfig({ ...env, PORT: String(factoryPort) }));
const orders = await startOrdersService(loadOrdersConfig({ ...env, PORT: String(ordersPort) }));
const gateway = await startGateway(loadGatewayConfig({ ...env, PORT: '0' }));
const gatewayUrl = `${gateway.http.url}/graphql`;
const token = await signToken(secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });

try {
  const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
    gatewayUrl,
    token,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name: 'Bench Customer', email: 'bench.gateway@example.com' } },
  );
  const place = () =>
    gql<{ placeOrder: { number: string } }>(
      gatewayUrl,
      token,
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      {
        input: {
          customerId: createCustomer.id,
          lines: [
            { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
            { product: 'GADGET', quantity: 1 },
          ],
        },
      },
    );

  // 1. Query latency: direct orders subgraph vs the same selection and the full federated one through the gateway.
  const { placeOrder } = await place();
  await sleep(1500);
  const variables = { n: placeOrder.number };
  const ordersOnly =
    'query ($n: String!) { order(number: $n) { number status placedAt lines { id product quantity } } }';
  const federated = `query ($n: String!) { order(number: $n) { number status placedAt
    customer { name email } lines { id product quantity productionOrder { status startedAt factory { name } } } } }`;
  const timings = { direct: [] as number[], gatewaySame: [] as number[], gatewayFederated: [] as number[] };
  const time = async (into: number[], url: string, query: string) => {
    const started = performance.now();
    await gql(url, token, query, variables);
    into.push(performance.now() - started);
  };
  for (let i = 0; i < 50; i++) {
    await time([], env.ORDERS_URL, ordersOnly);
    await time([], gatewayUrl, federated);
  }
  for (let i = 0; i < QUERIES; i++) {
    await time(timings.direct, env.ORDERS_URL, ordersOnly);
    await time(timings.gatewaySame, gatewayUrl, ordersOnly);
    await time(timings.gatewayFederated, gatewayUrl, federated);
  }
  console.log('\nQuery latency (sequential, interleaved):');
  console.table({
    'orders subgraph directly (orders-only selection)': summary(timings.direct),
    'gateway, same orders-only selection': summary(timings.gatewaySame),
    'gateway, federated (orders + customers + factory)': summary(timings.gatewayFederated),
  });
  console.log(
    `gateway added latency on the same selection: median ${(pct(timings.gatewaySame, 50) - pct(timings.direct, 50)).toFixed(2)} ms, ` +
      `p99 ${(pct(timings.gatewaySame, 99) - pct(timings.direct, 99)).toFixed(2)} ms`,
  );

  // 2. Subscription latency: commit (history timestamp of the status) -> each client.
  type Event = {
    orderUpdated: { number: string; status: string; history: { status: string; at: string }[] };
  };
  const latencies: number[] = [];
  const clients = Array.from({ length: SUBSCRIBERS }, () =>
    createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
    }),
  );
  let received = 0;
  const stops = clients.map((client) =>
    client.subscribe<Event>(
      { query: 'subscription { orderUpdated { number status history { status at } customer { name } } }' },
      {
        next: ({ data }) => {
          const now = Date.now();
          const update = data!.orderUpdated;
          const committed = update.history.findLast((entry) => entry.status === update.status);
          if (committed) latencies.push(now - Date.parse(committed.at));
          received++;
        },
        error: (error) => console.error('subscription error', error),
        complete: () => {},
      },
    ),
  );
  // One client straight on the orders subgraph: its share of the latency (commit -> NOTIFY -> socket).
  const directLatencies: number[] = [];
  const direct = createClient({
    url: env.ORDERS_URL.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: async () => ({ identity: await ordersIdentity() }),
  });
  const stopDirect = direct.subscribe<Event>(
    { query: 'subscription { orderUpdated { number status history { status at } } }' },
    {
      next: ({ data }) => {
        const update = data!.orderUpdated;
        const committed = update.history.findLast((entry) => entry.status === update.status);
        if (committed) directLatencies.push(Date.now() - Date.parse(committed.at));
      },
      error: (error) => console.error('direct subscription error', error),
      complete: () => {},
    },
  );
  while (gateway.subscriptions().clients < SUBSCRIBERS || gateway.subscriptions().connected < 1)
    await sleep(50);
  await sleep(500);
  for (let i = 0; i < ORDERS; i++) {
    await place();
    await sleep(300);
  }
  const expected = ORDERS * 3 * SUBSCRIBERS;
  const deadline = Date.now() + 30_000;
  while (received < expected && Date.now() < deadline) await sleep(100);
  console.log(
    `\nSubscription event latency, commit -> client, ${SUBSCRIBERS} subscribers, ${ORDERS} orders:`,
  );
  console.table({
    'orders subgraph directly, 1 client': summary(directLatencies),
    [`through the gateway, ${SUBSCRIBERS} clients`]: {
      ...summary(latencies),
      'events expected': expected,
      received,
    },
  });
  stopDirect();
  await direct.dispose();
  stops.forEach((stop) => stop());
  await Promise.all(clients.map((client) => client.dispose()));
} finally {
  await gateway.close();
  await orders.close();
  await factory.close();
  await customers.close();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  await stopMongo();
}
