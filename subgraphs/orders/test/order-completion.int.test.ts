import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startFactory } from '../../../test/support/stack.ts';
import { createCustomer, eventually, placeOrder, readOrder } from './support/orders-fixtures.ts';
import { startFactoryFor, startOrdersWithCustomers } from './support/orders-stack.ts';
import type { FactoryId } from '#catalogue/products.ts';
import { batchOf, completionOf, deliverWebhook } from './support/webhooks.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/** A real factory confirms the requests; its own webhooks go nowhere, so the test sends the completions. */
describe('completing a SCHEDULED order', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>>;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    factory = await startFactoryFor(stack);
  });
  afterAll(async () => {
    await stack?.close();
    await factory?.close();
  });

  it('becomes COMPLETE once when its lines complete concurrently and every webhook arrives twice', async () => {
    const customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'GADGET', quantity: 1 },
        { product: 'GIZMO', quantity: 1 },
        { product: 'GIZMO', quantity: 4 },
      ],
    });
    const number = placed.data!.placeOrder.number;
    const scheduled = await eventually(async () => {
      const order = await readOrder(stack.ordersUrl, number);
      return order?.status === 'SCHEDULED' ? order : undefined;
    });
    expect(scheduled.lines.every((line) => line.status === 'REQUESTED' && line.productionOrder)).toBe(true);

    const deliveries = scheduled.lines.flatMap((line, index) => {
      const body = batchOf(line.factory as FactoryId, completionOf(number, line));
      return [0, 1].map(() =>
        deliverWebhook(stack.orders.http.url, line.factory, body, { id: `msg_${index}` }),
      );
    });
    const statuses = (await Promise.all(deliveries)).map((response) => response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);

    const complete = (await readOrder(stack.ordersUrl, number))!;
    expect(complete.status).toBe('COMPLETE');
    expect(complete.completedAt).not.toBeNull();
    expect(complete.lines.map((line) => line.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(complete.history.map((event) => event.status)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    const [row] = await stack.orders.orm.em
      .fork()
      .execute<{ statuses: string[] }[]>(
        `select array_agg(payload->>'status' order by id) as statuses from orders.outbox_message where key = ?`,
        [number],
      );
    expect(row!.statuses).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
  });
});
