/**
 * End-to-end order throughput at SIM_TIME_SCALE=0: orders per second from
 * placement (placeOrder on the orders subgraph) to COMPLETE (every line
 * produced and its webhook recorded), sustained over a measured window,
 * median of several runs. Customers, factory and orders run in this process
 * on real PostgreSQL and MongoDB-wire servers (DATABASE_URL / MONGODB_URL,
 * else localhost PostgreSQL and a FerretDB started here).
 *   node scripts/bench/orders-throughput.ts [--seconds=30] [--runs=3] [--in-flight=40] [--warmup=5]
 */
import pg from 'pg';
import { freePort, throwawayMongo } from '#kit/ferretdb.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';
import { sleep } from '#kit/sim-time.ts';
import { startCustomersService } from '../../subgraphs/customers/src/app.ts';
import { loadCustomersConfig } from '../../subgraphs/customers/src/config.ts';
import { startFactoryService } from '../../subgraphs/factory/src/app.ts';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { startOrdersService } from '../../subgraphs/orders/src/app.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/src/config.ts';
import { benchSecrets } from './secrets.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SECONDS = arg('seconds', 30);
const RUNS = arg('runs', 3);
const IN_FLIGHT = arg('in-flight', 40);
const WARMUP = arg('warmup', 5);
const secrets = benchSecrets();
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Calls a subgraph directly with the identity the gateway would sign for an admin (a minute long: one per call). */
async function gql<T>(url: string, q: string, variables: Record<string, unknown>): Promise<T> {
  const identity = await signGatewayIdentity(secrets.SERVICE_TOKEN_SECRET, { sub: 'bench', role: 'admin' }, [
    'customers',
    'orders',
    'factory',
  ]);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
    body: JSON.stringify({ query: q, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function run(index: number, mongoUrl: string) {
  const dbName = `ff_bench_orders_${Date.now().toString(36)}_${index}`;
  await query(adminUrl, `CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const [customersPort, factoryPort, ordersPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    NODE_ENV: process.env.NODE_ENV ?? 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...secrets,
    SIM_TIME_SCALE: '0',
    DATABASE_URL: url.toString(),
    MONGODB_URL: mongoUrl,
    CUSTOMERS_URL: `http://127.0.0.1:${customersPort}/graphql`,
    FACTORY_URL: `http://127.0.0.1:${factoryPort}/graphql`,
    ORDERS_WEBHOOK_URL: `http://127.0.0.1:${ordersPort}/webhooks/production`,
    FACTORY_DB_PREFIX: `ff_bench_${Date.now().toString(36)}_${index}_`,
    ORDERS_MONGO_DB: `${dbName}_agenda`,
    RANDOM_ORDERS_EVERY: 'off',
  };
  const customers = await startCustomersService(loadCustomersConfig({ ...env, PORT: String(customersPort) }));
  const factory = await startFactoryService(loadFactoryConfig({ ...env, PORT: String(factoryPort) }));
  const orders = await startOrdersService(loadOrdersConfig({ ...env, PORT: String(ordersPort) }));
  const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
    env.CUSTOMERS_URL,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name: 'Bench Customer', email: `bench.${index}@example.com` } },
  );
  const ordersDb = url.toString();
  const completedCount = async () =>
    Number(
      (
        await query<{ n: string }>(
          ordersDb,
          `select count(*) as n from orders."order" where status = 'COMPLETE'`,
        )
      )[0]!.n,
    );

  // Closed loop: keep IN_FLIGHT orders between placement and COMPLETE.
  let placed = 0;
  let completed = 0;
  let stop = false;
  const placeMs: number[] = [];
  const failures: string[] = [];
  const place = async () => {
    const started = performance.now();
    await gql(
      orders.http.url + '/graphql',
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
    placeMs.push(performance.now() - started);
  };
  // A failed placement is counted and shown, not fatal: the loop places another.
  const placeCounted = () =>
    place().catch((error: unknown) => {
      failures.push((error as Error).message.slice(0, 200));
      placed--;
    });
  const feeder = (async () => {
    while (!stop) {
      const room = IN_FLIGHT - (placed - completed);
      if (room > 0) {
        placed += room;
        await Promise.all(Array.from({ length: room }, placeCounted));
      } else await sleep(10);
    }
  })();
  const counter = (async () => {
    while (!stop) {
      completed = await completedCount();
      await sleep(100);
    }
  })();

  await sleep(WARMUP * 1000);
  const startCount = await completedCount();
  const startAt = performance.now();
  await sleep(SECONDS * 1000);
  const endCount = await completedCount();
  const seconds = (performance.now() - startAt) / 1000;
  stop = true;
  await Promise.all([feeder, counter]);

  const statuses = await query<{ status: string; n: string }>(
    ordersDb,
    `select status, count(*) as n from orders."order" group by status order by status`,
  );
  const [phases] = await query<Record<string, number>>(
    ordersDb,
    `select
       percentile_cont(0.5) within group (order by extract(epoch from scheduled_at - placed_at))::float8 * 1000 as "verified→scheduled p50 ms",
       percentile_cont(0.95) within group (order by extract(epoch from scheduled_at - placed_at))::float8 * 1000 as "verified→scheduled p95 ms",
       percentile_cont(0.5) within group (order by extract(epoch from completed_at - scheduled_at))::float8 * 1000 as "scheduled→complete p50 ms",
       percentile_cont(0.95) within group (order by extract(epoch from completed_at - scheduled_at))::float8 * 1000 as "scheduled→complete p95 ms"
     from orders."order" where status = 'COMPLETE'`,
  );
  // Where the time goes: the factory's confirmation alone, one request at a time, after the load stops.
  const basic = `Basic ${Buffer.from('orders:factory-floor-local-orders-secret').toString('base64')}`;
  const submitMs: number[] = [];
  for (let probe = 0; probe < 5; probe++) {
    const started = performance.now();
    await fetch(env.FACTORY_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({
        query: `mutation ($input: ProductionRequestInput!) { submitProductionRequest(factory: "widgets", input: $input) { orderNumber } }`,
        variables: {
          input: {
            orderNumber: `PROBE-${probe}`,
            lines: [{ lineId: crypto.randomUUID(), product: 'WIDGET', quantity: 1 }],
          },
        },
      }),
    });
    submitMs.push(performance.now() - started);
  }
  if (failures.length) console.error('first failed placement:', failures[0]);
  await orders.close();
  await factory.close();
  await customers.close();
  await query(adminUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  const round = (value: number | undefined) =>
    value === undefined || value === null ? null : Math.round(value);
  return {
    run: index + 1,
    seconds: +seconds.toFixed(1),
    completed: endCount - startCount,
    ordersPerSecond: +((endCount - startCount) / seconds).toFixed(2),
    'placeOrder p50 ms': Math.round(placeMs.sort((a, b) => a - b)[Math.floor(placeMs.length / 2)] ?? 0),
    'failed placements': failures.length,
    'idle factory submit p50 ms': Math.round(submitMs.sort((a, b) => a - b)[2]!),
    'left at end': statuses.map((row) => `${row.status}:${row.n}`).join(' '),
    ...Object.fromEntries(Object.entries(phases ?? {}).map(([key, value]) => [key, round(value)])),
  };
}

const mongo = await throwawayMongo('bench');
const mongoUrl = mongo.url;
const stopMongo = mongo.stop;
const results = [];
try {
  for (let index = 0; index < RUNS; index++) results.push(await run(index, mongoUrl));
} finally {
  await stopMongo();
}
console.table(results);
const sorted = results.map((result) => result.ordersPerSecond).sort((a, b) => a - b);
console.log(
  `median end-to-end throughput at SIM_TIME_SCALE=0: ${sorted[Math.floor(sorted.length / 2)]} orders/s ` +
    `(${RUNS} runs of ${SECONDS} s, ${IN_FLIGHT} orders in flight, 2 lines per order on 2 factories)`,
);
