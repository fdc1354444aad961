import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createCustomer, placeOrder } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

type Stats = {
  perHour: { hour: string; product: string; orders: number }[];
  leadTimeHistogram: { fromSeconds: number; toSeconds: number | null; orders: number }[];
};
const STATS =
  '{ orderStats { perHour { hour product orders } leadTimeHistogram { fromSeconds toSeconds orders } } }';

describe('order stats for the console dashboard', () => {
  let stack: Awaited<ReturnType<typeof startOrdersWithCustomers>>;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    const customerId = await createCustomer(stack.customersUrl, 'Dana Dashboard');
    for (const lines of [
      [{ product: 'WIDGET', quantity: 1 }],
      [{ product: 'WIDGET', quantity: 2 }],
      // Two products in one order: it counts once for each.
      [
        { product: 'WIDGET', quantity: 1 },
        { product: 'GIZMO', quantity: 1 },
      ],
    ]) {
      const result = await placeOrder(stack.ordersUrl, { customerId, lines });
      expect(result.errors).toBeUndefined();
    }
  });
  afterAll(async () => stack?.close());

  it('counts orders per product in the hour they were placed', async () => {
    const result = await graphql<{ orderStats: Stats }>(stack.ordersUrl, STATS, {}, 'viewer');
    expect(result.errors).toBeUndefined();
    const hour = new Date();
    hour.setUTCMinutes(0, 0, 0);
    const rows = result.data!.orderStats.perHour;
    // A run that straddles the hour splits the counts; the totals stay.
    expect(rows.every((row) => new Date(row.hour).getTime() <= hour.getTime())).toBe(true);
    const total = (product: string) =>
      rows.filter((row) => row.product === product).reduce((sum, row) => sum + row.orders, 0);
    expect([total('WIDGET'), total('GIZMO'), total('GADGET')]).toEqual([3, 1, 0]);
  });

  it('lists every lead-time bucket, contiguous, with nothing completed yet', async () => {
    const result = await graphql<{ orderStats: Stats }>(stack.ordersUrl, STATS, {}, 'viewer');
    const buckets = result.data!.orderStats.leadTimeHistogram;
    expect(buckets[0]).toEqual({ fromSeconds: 0, toSeconds: 1, orders: 0 });
    expect(buckets.at(-1)).toEqual({ fromSeconds: 3600, toSeconds: null, orders: 0 });
    buckets.slice(1).forEach((bucket, index) => expect(bucket.fromSeconds).toBe(buckets[index]!.toSeconds));
    expect(buckets.reduce((sum, bucket) => sum + bucket.orders, 0)).toBe(0);
  });
});
