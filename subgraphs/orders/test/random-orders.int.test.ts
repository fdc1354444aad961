import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import type { OrdersService } from '../src/app.ts';
import { createCustomer, eventually, ORDER_FIELDS, type OrderView } from './support/orders-fixtures.ts';
import { startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Settings = { enabled: boolean; every: string; nextRunAt: string | null };

const SETTINGS = '{ randomOrders { enabled every nextRunAt } }';
const SET = `mutation ($enabled: Boolean!, $every: String) {
  setRandomOrders(enabled: $enabled, every: $every) { enabled every nextRunAt }
}`;

describe('random orders', () => {
  let stack: Stack;
  let restarted: OrdersService | undefined;
  const customerIds: string[] = [];
  beforeAll(async () => {
    stack = await startOrdersWithCustomers({ RANDOM_ORDERS_EVERY: '300 ms' });
    customerIds.push(
      await createCustomer(stack.customersUrl, 'Ada One'),
      await createCustomer(stack.customersUrl, 'Bob Two'),
    );
  });
  afterAll(async () => {
    await restarted?.close();
    await stack?.close();
  });

  it('places valid AUTOMATED orders for active customers at the configured interval', async () => {
    const orders = await eventually(async () => {
      const result = await graphql<{
        orders: { edges: { node: OrderView & { customer: { id: string } } }[] };
      }>(
        stack.ordersUrl,
        `{ orders(first: 10) { edges { node { ${ORDER_FIELDS} customer { id } } } } }`,
        {},
        'viewer',
      );
      const nodes = result.data?.orders.edges.map((edge) => edge.node) ?? [];
      return nodes.length >= 3 ? nodes : undefined;
    });
    for (const order of orders) {
      expect(order.source).toBe('AUTOMATED');
      expect(order.status).toBe('VERIFIED');
      expect(customerIds).toContain(order.customer.id);
      expect(order.lines.length).toBeGreaterThanOrEqual(1);
      expect(order.lines.length).toBeLessThanOrEqual(4);
      for (const line of order.lines) expect(Object.keys(line.attributes).length).toBeGreaterThan(0);
    }
    const settings = await graphql<{ randomOrders: Settings }>(stack.ordersUrl, SETTINGS, {}, 'viewer');
    expect(settings.data!.randomOrders).toMatchObject({ enabled: true, every: '300 ms' });
  });

  it('keeps each setting an admin writes while occurrences are running', async () => {
    // The job runs every few hundred ms throughout: each write races the running occurrences' saves.
    for (let round = 0; round < 12; round++) {
      const every = round % 2 ? '200 ms' : '250 ms';
      const set = await graphql<{ setRandomOrders: Settings }>(
        stack.ordersUrl,
        SET,
        { enabled: true, every },
        'admin',
      );
      expect(set.data!.setRandomOrders).toMatchObject({ enabled: true, every });
      await new Promise((resolve) => setTimeout(resolve, 150)); // an occurrence or two later
      const read = await graphql<{ randomOrders: Settings }>(stack.ordersUrl, SETTINGS, {}, 'viewer');
      expect(read.data!.randomOrders).toMatchObject({ enabled: true, every });
    }
  });

  it('lets only an admin change the settings, checks the interval, and keeps the change across a restart', async () => {
    const forbidden = await graphql(stack.ordersUrl, SET, { enabled: false }, 'operator');
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await graphql(stack.ordersUrl, SET, { enabled: true, every: 'every so often' }, 'admin');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'every' });

    const set = await graphql<{ setRandomOrders: Settings }>(
      stack.ordersUrl,
      SET,
      { enabled: true, every: '10 minutes' },
      'admin',
    );
    expect(set.data!.setRandomOrders).toMatchObject({ enabled: true, every: '10 minutes' });
    const next = Date.parse(set.data!.setRandomOrders.nextRunAt!);
    expect(next).toBeGreaterThan(Date.now() + 9 * 60_000);

    await stack.orders.close();
    // The environment still says 300 ms: the stored setting wins.
    restarted = await startOrdersProcess({ ...stack.shared, RANDOM_ORDERS_EVERY: '300 ms' });
    const url = `${restarted.http.url}/graphql`;
    const after = await graphql<{ randomOrders: Settings }>(url, SETTINGS, {}, 'viewer');
    expect(after.data!.randomOrders).toEqual(set.data!.setRandomOrders);

    const off = await graphql<{ setRandomOrders: Settings }>(url, SET, { enabled: false }, 'admin');
    expect(off.data!.setRandomOrders).toEqual({ enabled: false, every: '10 minutes', nextRunAt: null });
  });
});
