import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrdersService } from '../src/app.ts';
import { createCustomer, placeOrder, readOrder, type OrderView } from './support/orders-fixtures.ts';
import { startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';
import { completionOf, deliverWebhook } from './support/webhooks.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/** No factory listens here, so orders stay VERIFIED and only the webhooks these tests send change lines. */
describe('POST /webhooks/production', () => {
  let stack: Stack;
  let customerId: string;
  let order: OrderView;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 1 },
        { product: 'GIZMO', quantity: 2 },
      ],
    });
    order = placed.data!.placeOrder;
  });
  afterAll(async () => stack?.close());

  const base = () => stack.orders.http.url;

  it('refuses a forged signature, a wrong secret and a stale timestamp with 401, changing nothing', async () => {
    const body = completionOf(order.number, order.lines[0]!);
    expect((await deliverWebhook(base(), body, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await deliverWebhook(base(), body, { now: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    const forged = await fetch(`${base()}/webhooks/production`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'x',
        'webhook-timestamp': `${Math.floor(Date.now() / 1000)}`,
        'webhook-signature': 'v1,AAAA',
      },
      body: JSON.stringify(body),
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${base()}/webhooks/production`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    expect((await readOrder(stack.ordersUrl, order.number))!.lines[0]!.status).toBe('PENDING');
  });

  it('refuses a malformed body with 400 and an unknown line with 404', async () => {
    expect((await deliverWebhook(base(), null, { raw: '{not json' })).status).toBe(400);
    const missing = { ...completionOf(order.number, order.lines[0]!), completedAt: 'yesterday' };
    expect((await deliverWebhook(base(), missing)).status).toBe(400);
    const unknown = completionOf(order.number, { ...order.lines[0]!, id: crypto.randomUUID() });
    expect((await deliverWebhook(base(), unknown)).status).toBe(404);
  });

  it('records a completion once: a duplicate answers 2xx with no second effect', async () => {
    const body = completionOf(order.number, order.lines[0]!);
    const first = await deliverWebhook(base(), body, { id: 'msg_dup' });
    expect(first.status).toBe(200);
    const recorded = (await readOrder(stack.ordersUrl, order.number))!.lines[0]!;
    expect(recorded).toMatchObject({ status: 'COMPLETED', productionOrder: { id: body.productionOrderId } });

    const later = { ...body, completedAt: new Date(Date.now() + 1000).toISOString() };
    const again = await deliverWebhook(base(), later, { id: 'msg_dup' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ outcome: 'repeat' });
    const after = (await readOrder(stack.ordersUrl, order.number))!;
    expect(after.lines[0]!.completedAt).toBe(recorded.completedAt);
    // Still VERIFIED: no factory confirmed, so completion waits for scheduling.
    expect(after.status).toBe('VERIFIED');
    expect(after.history.map((event) => event.status)).toEqual(['VERIFIED']);
  });

  it('completes the line once when the service dies between recording and replying', async () => {
    let killed = false;
    // A process whose reply never leaves: the socket is destroyed right after the commit, as a crash would.
    const dying: OrdersService = await startOrdersProcess(stack.shared, {
      afterWebhookRecord: (req) => {
        killed = true;
        req.socket.destroy();
      },
    });
    const body = completionOf(order.number, order.lines[1]!);
    await expect(deliverWebhook(dying.http.url, body, { id: 'msg_crash' })).rejects.toThrow();
    expect(killed).toBe(true);
    await dying.close();

    const redelivered = await deliverWebhook(base(), body, { id: 'msg_crash' });
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ outcome: 'repeat' });
    const after = (await readOrder(stack.ordersUrl, order.number))!;
    expect(after.lines[1]).toMatchObject({
      status: 'COMPLETED',
      productionOrder: { id: body.productionOrderId },
    });
  });
});
