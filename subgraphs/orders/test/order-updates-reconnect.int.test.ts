import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  createCustomer,
  eventually,
  placeOrder,
  subscriptionClient,
} from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Update = { orderUpdated: { number: string; status: string } };

const ALL = 'subscription { orderUpdated { number status } }';

/** The LISTEN connection is killed by the server (failover, restart, pg_terminate_backend). */
describe('orderUpdated when the LISTEN connection is lost', () => {
  let stack: Stack;
  let customerId: string;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    customerId = await createCustomer(stack.customersUrl);
  });
  afterAll(async () => {
    await allowConnections(true).catch(() => {});
    await stack?.close();
  });

  /** Run from another database: PostgreSQL refuses to change this setting for the current one. */
  const allowConnections = async (allow: boolean) => {
    const admin = new URL(stack.databaseUrl);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(`alter database "${name}" allow_connections ${allow}`);
    } finally {
      await client.end();
    }
  };
  const sql = (query: string) => stack.orders.orm.em.fork().execute<{ n: string }[]>(query);
  const killListeners = async () => {
    const [row] = await sql(`select count(pg_terminate_backend(pid)) as n from pg_stat_activity
      where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`);
    return Number(row!.n);
  };
  const place = async () => {
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'GIZMO', quantity: 1 }],
    });
    if (placed.errors) throw new Error(JSON.stringify(placed.errors));
    return placed.data!.placeOrder.number;
  };

  it('listens again and still delivers the next change', async () => {
    const client = subscriptionClient(stack.ordersUrl);
    const seen = collect<Update>(client, ALL);
    await eventually(() => (stack.orders.subscribers(null) > 0 ? true : undefined));
    expect(await killListeners()).toBe(1);

    const number = await place();
    await eventually(() => (seen.events.some((e) => e.orderUpdated.number === number) ? true : undefined));
    expect(seen.errors).toEqual([]);
    seen.stop();
    await client.dispose();
  });

  it('re-sends a change committed while it could not reconnect', async () => {
    const client = subscriptionClient(stack.ordersUrl);
    const seen = collect<Update>(client, ALL);
    await eventually(() => (stack.orders.subscribers(null) > 0 ? true : undefined));
    // New connections are refused (the pools keep theirs), so the listener stays deaf for a while.
    // The pool is filled first: a placement that finds every pooled connection busy opens no other.
    await Promise.all(Array.from({ length: 6 }, () => sql('select pg_sleep(0.1)')));
    await allowConnections(false);
    expect(await killListeners()).toBe(1);
    const number = await place();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.events.some((e) => e.orderUpdated.number === number)).toBe(false);

    await allowConnections(true);
    await eventually(() => (seen.events.some((e) => e.orderUpdated.number === number) ? true : undefined));
    expect(seen.events.find((e) => e.orderUpdated.number === number)!.orderUpdated.status).toBe('VERIFIED');
    seen.stop();
    await client.dispose();
  });
});
