import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startFactory } from '../../../test/support/stack.ts';
import { createCustomer, eventually, placeOrder, readOrder } from './support/orders-fixtures.ts';
import { spawnOrders } from './support/orders-child.ts';
import { startFactoryFor, startOrdersWithCustomers } from './support/orders-stack.ts';
import { batchOf, completionOf, deliverWebhook } from './support/webhooks.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Child = Awaited<ReturnType<typeof spawnOrders>>;

/**
 * A real factory schedules the order (its own webhooks go nowhere); the test
 * sends the completion to an orders process that SIGKILLs itself after the
 * commit and before the reply, then redelivers it to a fresh process.
 */
describe('the order service killed between a webhook commit and its reply', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>>;
  const children: Child[] = [];
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    factory = await startFactoryFor(stack);
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()));
    await stack?.close();
    await factory?.close();
  });

  it('completes the line and the order once when the same signed webhook is redelivered', async () => {
    const customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
    });
    const number = placed.data!.placeOrder.number;
    const scheduled = await eventually(async () => {
      const order = await readOrder(stack.ordersUrl, number);
      return order?.status === 'SCHEDULED' ? order : undefined;
    });
    const body = batchOf('widgets', completionOf(number, scheduled.lines[0]!));

    const dying = await spawnOrders({ ...stack.shared, ORDERS_TEST_CRASH_AFTER_WEBHOOK_COMMIT: '1' });
    children.push(dying);
    await expect(deliverWebhook(dying.url, 'widgets', body, { id: 'msg_killed' })).rejects.toThrow();
    expect(await dying.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const committed = (await readOrder(stack.ordersUrl, number))!;
    expect(committed.status).toBe('COMPLETE'); // the commit happened before the kill

    const fresh = await spawnOrders(stack.shared);
    children.push(fresh);
    const redelivered = await deliverWebhook(fresh.url, 'widgets', body, { id: 'msg_killed' });
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ outcome: 'repeat', recorded: 0, repeated: 1 });

    const after = (await readOrder(fresh.graphqlUrl, number))!;
    expect(after.lines[0]).toMatchObject({
      status: 'COMPLETED',
      completedAt: committed.lines[0]!.completedAt,
      productionOrder: { id: body.completions[0]!.productionOrderId },
    });
    expect(after.history.map((event) => event.status)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    expect(after.completedAt).toBe(committed.completedAt);
  });
});
