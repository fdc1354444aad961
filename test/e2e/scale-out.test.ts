import pg from 'pg';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createPostgresDatabase, mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { startCustomers, startFactory, startGatewayFor } from '../support/stack.ts';
import { collect, eventually, wsClient } from '../../gateway/test/ws-client.ts';
import { spawnOrders } from '../../subgraphs/orders/test/support/orders-child.ts';
import { webhookSecretsEnv } from '../../subgraphs/orders/test/support/webhooks.ts';
import {
  startSheetsStandIn,
  type SheetsStandIn,
} from '../../subgraphs/orders/test/sheets/sheets-stand-in.ts';
import { rowsOf, serviceAccount } from '../../subgraphs/orders/test/sheets/fixtures.ts';
import { COMPLETED_TAB, ORDERS_TAB } from '../../subgraphs/orders/src/sheets/sheet-rows.ts';
import { ProductionOrderRepository } from '../../subgraphs/factory/src/production/production-order.repository.ts';
import { startRoundRobin } from './scale-out-balancer.ts';

// Two gateways, two customers and two orders processes (real child processes, so one can be killed)
// over one PostgreSQL database, one factory process, and the Sheets stand-in as the outbox's sink.
// Orders the killed process had claimed for scheduling wait out its claim (60 s) before the other
// process takes them: the test takes about 90 s.
const ORDERS = 12;
const LIFECYCLE = ['VERIFIED', 'SCHEDULED', 'COMPLETE'];
type Update = { orderUpdated: { number: string; status: string } };
const WATCH_ALL = 'subscription { orderUpdated { number status } }';

let databaseUrl: string;
let standIn: SheetsStandIn;
let pool: pg.Pool;
let mongo: MongoClient;
const closers: (() => Promise<unknown>)[] = [];
let stack: Awaited<ReturnType<typeof startScaledOut>>;

async function startScaledOut() {
  databaseUrl = await createPostgresDatabase('scale');
  standIn = await startSheetsStandIn();
  standIn.createSpreadsheet('sheet-1', [ORDERS_TAB, COMPLETED_TAB]);
  closers.push(() => standIn.close());
  const factoryPort = await freePort();
  const factoryUrl = `http://127.0.0.1:${factoryPort}/graphql`;
  const customers = [
    await startCustomers({ DATABASE_URL: databaseUrl }),
    await startCustomers({ DATABASE_URL: databaseUrl }),
  ];
  for (const service of customers) closers.push(() => service.close());
  const shared = {
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongoUrl(),
    ORDERS_MONGO_DB: mongoDatabaseName('orders'),
    FACTORY_URL: factoryUrl,
    GOOGLE_SHEETS_ID: 'sheet-1',
    GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify(serviceAccount(standIn)),
    GOOGLE_SHEETS_ROOT_URL: standIn.rootUrl,
    GOOGLE_TOKEN_URL: standIn.tokenUrl,
    // Orders the killed process had claimed are taken over once its claim runs out.
    SCHEDULING_CLAIM_MS: '5000',
  };
  const orders = [
    await spawnOrders({ ...shared, CUSTOMERS_URL: `${customers[0]!.http.url}/graphql` }),
    await spawnOrders({ ...shared, CUSTOMERS_URL: `${customers[1]!.http.url}/graphql` }),
  ];
  for (const child of orders) closers.push(() => child.stop());
  // The factory's webhooks reach "the orders Service": whichever process answers.
  const balancer = await startRoundRobin(orders.map((child) => child.url));
  closers.push(() => balancer.close());
  const factoryDbPrefix = `${mongoDatabaseName('factory')}_`;
  const factory = await startFactory({
    PORT: String(factoryPort),
    MONGODB_URL: mongoUrl(),
    FACTORY_DB_PREFIX: factoryDbPrefix,
    ORDERS_WEBHOOK_URL: `${balancer.url}/webhooks/production`,
    ...webhookSecretsEnv(),
    // Long enough that the floor is still busy when an orders process is killed.
    SIM_TIME_SCALE: '0.05',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_MAX_MS: '500',
  });
  closers.push(() => factory.close());
  const gateways = await Promise.all(
    [0, 1].map((i) =>
      startGatewayFor({
        CUSTOMERS_URL: `${customers[i]!.http.url}/graphql`,
        ORDERS_URL: orders[i]!.graphqlUrl,
        FACTORY_URL: factoryUrl,
      }),
    ),
  );
  for (const gateway of gateways) closers.push(() => gateway.close());
  return {
    customers,
    orders,
    balancer,
    factory,
    factoryDbPrefix,
    gateways,
    urls: gateways.map((g) => `${g.http.url}/graphql`),
  };
}

beforeAll(async () => {
  stack = await startScaledOut();
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  mongo = await new MongoClient(mongoUrl()).connect();
  closers.unshift(
    () => pool.end(),
    () => mongo.close(),
  );
}, 120_000);
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

describe('the floor scaled out: 2 gateways, 2 customers, 2 orders processes', () => {
  it('orders placed through gateway A reach gateway B subscribers once and in order, and survive an orders process killed mid-run', async () => {
    const [gatewayA, gatewayB] = stack.urls as [string, string];
    const watchers = [0, 1, 2].map(() => collect<Update>(wsClient(gatewayB, 'viewer'), WATCH_ALL));
    await eventually(() => (stack.gateways[1]!.subscriptions().connected === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the orders subgraph registers the subscription

    const created = await graphql<{ createCustomer: { id: string } }>(
      gatewayA,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Grace Hopper', email: `${crypto.randomUUID()}@example.com` } },
      'operator',
    );
    const customerId = created.data!.createCustomer.id;
    const numbers: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const placed = await graphql<{ placeOrder: { number: string } }>(
        gatewayA,
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
        {
          input: {
            customerId,
            lines: [
              { product: 'WIDGET', quantity: 1 },
              { product: 'GADGET', quantity: 1 },
            ],
          },
        },
        'operator',
      );
      expect(placed.errors).toBeUndefined();
      numbers.push(placed.data!.placeOrder.number);
    }

    // Mid-run: orders are still being verified, scheduled and produced when orders process A dies.
    const pending = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders."order" WHERE status <> 'COMPLETE'`,
    );
    expect(pending.rows[0]!.n).toBeGreaterThan(0);
    expect(await stack.orders[0]!.kill()).toEqual({ code: null, signal: 'SIGKILL' });

    const statusOf = (events: Update[], number: string) =>
      events
        .filter((event) => event.orderUpdated.number === number)
        .map((event) => event.orderUpdated.status);
    await eventually(
      () =>
        watchers.every((w) => numbers.every((n) => statusOf(w.events, n).length >= 3)) ? true : undefined,
      90_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // room for any duplicate to show

    // Every subscriber on gateway B saw every order's events once, in order.
    for (const watcher of watchers) {
      expect(watcher.errors).toEqual([]);
      for (const number of numbers) expect(statusOf(watcher.events, number), number).toEqual(LIFECYCLE);
    }
    // Each transition happened once across both processes (scheduling once, each completion once).
    const history = await pool.query<{ number: string; statuses: string[] }>(
      `SELECT o.number, array_agg(e.status ORDER BY e.id) AS statuses
         FROM orders."order" o JOIN orders.order_event e ON e.order_id = o.id GROUP BY o.number`,
    );
    expect(history.rows.map((row) => row.number).sort()).toEqual([...numbers].sort());
    for (const row of history.rows) expect(row.statuses, row.number).toEqual(LIFECYCLE);
    // One production order per line at the factory, each completion webhook delivered.
    for (const factory of ['widgets', 'gadgets']) {
      // Through the factory's repository: a completion's webhook is what its batch records.
      const docs = await new ProductionOrderRepository(
        mongo.db(`${stack.factoryDbPrefix}${factory}`),
      ).findByOrderNumbers([...numbers]);
      expect(docs.map((doc) => doc.orderNumber).sort()).toEqual([...numbers].sort());
      expect(docs.every((doc) => doc.webhook?.state === 'DELIVERED')).toBe(true);
    }
    // Completions after the kill reached the surviving process (the balancer skipped the dead one).
    expect(stack.balancer.forwarded.get(stack.orders[1]!.url)).toBeGreaterThan(0);
    // The outbox wrote each status change to the sheet once, though two processes deliver it.
    await eventually(
      () =>
        rowsOf(standIn, ORDERS_TAB).length >= ORDERS * 3 && rowsOf(standIn, COMPLETED_TAB).length >= ORDERS
          ? true
          : undefined,
      30_000,
    );
    const rows = rowsOf(standIn, ORDERS_TAB).map((row) => `${row[2]} ${row[7]}`);
    expect(rows.sort()).toEqual(numbers.flatMap((n) => LIFECYCLE.map((status) => `${n} ${status}`)).sort());
    expect(
      rowsOf(standIn, COMPLETED_TAB)
        .map((row) => String(row[1]))
        .sort(),
    ).toEqual([...numbers].sort());
  }, 150_000);
});
