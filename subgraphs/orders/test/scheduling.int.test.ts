import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import type { startFactory } from '../../../test/support/stack.ts';
import { createCustomer, eventually, placeOrder, readOrder } from './support/orders-fixtures.ts';
import { startFactoryFor, startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

describe('scheduling when a factory is down', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>> | undefined;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
  });
  afterAll(async () => {
    await stack?.close();
    await factory?.close();
  });

  it('retries with backoff, keeps the order VERIFIED, then schedules it with one production order per line', async () => {
    const customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 1 },
        { product: 'WIDGET', quantity: 2, attributes: { color: 'blue' } },
        { product: 'GADGET', quantity: 1 },
      ],
    });
    const number = placed.data!.placeOrder.number;

    const em = stack.orders.orm.em.fork();
    const attempts = async () => {
      const [row] = await em.execute<{ schedule_attempts: number; last_schedule_error: string | null }[]>(
        'select schedule_attempts, last_schedule_error from orders."order" where number = ?',
        [number],
      );
      return row!;
    };
    await eventually(async () => ((await attempts()).schedule_attempts >= 2 ? true : undefined));
    expect((await attempts()).last_schedule_error).toMatch(/unreachable/);
    expect((await readOrder(stack.ordersUrl, number))!.status).toBe('VERIFIED');

    const factoryUrl = `http://127.0.0.1:${stack.factoryPort}/graphql`;
    factory = await startFactoryFor(stack, `${stack.orders.http.url}/webhooks/production`);

    const scheduled = await eventually(async () => {
      const order = await readOrder(stack.ordersUrl, number);
      return order && order.status !== 'VERIFIED' ? order : undefined;
    });
    expect(['SCHEDULED', 'COMPLETE']).toContain(scheduled.status);
    expect(scheduled.lines.every((line) => line.productionOrder?.id)).toBe(true);

    const produced = await graphql<{
      productionOrders: { totalCount: number; edges: { node: { id: string; lineId: string } }[] };
    }>(
      factoryUrl,
      'query ($n: String) { productionOrders(orderNumber: $n, first: 50) { totalCount edges { node { id lineId } } } }',
      { n: number },
      'viewer',
    );
    expect(produced.errors).toBeUndefined();
    expect(produced.data!.productionOrders.totalCount).toBe(3);
    const lineIds = produced.data!.productionOrders.edges.map((edge) => edge.node.lineId).sort();
    expect(lineIds).toEqual(scheduled.lines.map((line) => line.id).sort());
    expect(scheduled.history.map((event) => event.status).slice(0, 2)).toEqual(['VERIFIED', 'SCHEDULED']);
  });
});
