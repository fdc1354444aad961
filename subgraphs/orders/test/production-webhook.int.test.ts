import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startFactory } from '../../../test/support/stack.ts';
import type { OrdersService } from '../src/app.ts';
import {
  createCustomer,
  eventually,
  placeOrder,
  readOrder,
  type OrderView,
} from './support/orders-fixtures.ts';
import { startFactoryFor, startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';
import { batchOf, completionOf, deliverWebhook, TEST_WEBHOOK_SECRETS } from './support/webhooks.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/**
 * A real factory confirms the requests (so orders records which production
 * order each line became); its own webhooks go nowhere, so only the webhooks
 * these tests send complete lines.
 */
describe('POST /webhooks/production/:factory', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>>;
  let customerId: string;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    factory = await startFactoryFor(stack);
    customerId = await createCustomer(stack.customersUrl);
  });
  afterAll(async () => {
    await stack?.close();
    await factory?.close();
  });

  const base = () => stack.orders.http.url;
  /** A SCHEDULED order with a widget line and a gizmo line. */
  const scheduledOrder = async (): Promise<OrderView> => {
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 1 },
        { product: 'GIZMO', quantity: 2 },
      ],
    });
    return eventually(async () => {
      const order = await readOrder(stack.ordersUrl, placed.data!.placeOrder.number);
      return order?.status === 'SCHEDULED' ? order : undefined;
    });
  };
  const unchanged = async (order: OrderView) =>
    expect(await readOrder(stack.ordersUrl, order.number)).toEqual(order);

  it("refuses a forged, unsigned or stale webhook, and one signed with another factory's secret, with 401", async () => {
    const order = await scheduledOrder();
    const [widget, gizmo] = order.lines;
    const body = batchOf('widgets', completionOf(order.number, widget!));
    expect((await deliverWebhook(base(), 'widgets', body, { secret: 'not-the-secret-at-all' })).status).toBe(
      401,
    );
    expect(
      (await deliverWebhook(base(), 'widgets', body, { secret: TEST_WEBHOOK_SECRETS.gizmos })).status,
    ).toBe(401);
    const gizmoBody = batchOf('gizmos', completionOf(order.number, gizmo!));
    expect(
      (await deliverWebhook(base(), 'gizmos', gizmoBody, { secret: TEST_WEBHOOK_SECRETS.widgets })).status,
    ).toBe(401);
    const stale = new Date(Date.now() - 6 * 60_000);
    expect((await deliverWebhook(base(), 'widgets', body, { now: stale })).status).toBe(401);
    const unsigned = await fetch(`${base()}/webhooks/production/widgets`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    expect(unsigned.status).toBe(401);
    expect((await deliverWebhook(base(), 'plumbing', body)).status).toBe(404);
    await unchanged(order);
  });

  it('refuses a malformed body with 400 naming the field, and an unknown line with 404', async () => {
    const order = await scheduledOrder();
    const widget = completionOf(order.number, order.lines[0]!);
    expect((await deliverWebhook(base(), 'widgets', null, { raw: '{not json' })).status).toBe(400);
    const badTime = await deliverWebhook(
      base(),
      'widgets',
      batchOf('widgets', { ...widget, completedAt: 'yesterday' }),
    );
    expect(badTime.status).toBe(400);
    expect((await badTime.json()) as object).toMatchObject({
      error: expect.stringMatching(/^completions\.0\.completedAt/),
    });
    expect((await deliverWebhook(base(), 'widgets', { factory: 'widgets', completions: [] })).status).toBe(
      400,
    );
    const twice = await deliverWebhook(base(), 'widgets', batchOf('widgets', widget, widget));
    expect(twice.status).toBe(400);
    const unknown = await deliverWebhook(
      base(),
      'widgets',
      batchOf('widgets', { ...widget, lineId: crypto.randomUUID() }),
    );
    expect(unknown.status).toBe(404);
    await unchanged(order);
  });

  it('refuses a completion for a made-up production order (409): the order stays SCHEDULED, its links stay', async () => {
    const order = await scheduledOrder();
    const [widget, gizmo] = order.lines;
    // The attack from issue 11: a signed completion of the gizmo line naming a production order that never existed.
    const madeUp = completionOf(order.number, gizmo!, `gizmos:${'f'.repeat(24)}`);
    const forged = await deliverWebhook(base(), 'gizmos', batchOf('gizmos', madeUp));
    expect(forged.status).toBe(409);
    expect(await forged.json()).toMatchObject({
      retryable: false,
      error: expect.stringContaining('is production order'),
    });
    // ...with the real widget completion in the same batch: the whole batch is refused.
    const mixed = batchOf('widgets', completionOf(order.number, widget!), completionOf(order.number, gizmo!));
    expect((await deliverWebhook(base(), 'widgets', mixed)).status).toBe(409);
    // A line claimed by a factory it was not sent to, and a body naming another factory than its path.
    const widgetAsGizmo = batchOf('gizmos', completionOf(order.number, widget!));
    expect((await deliverWebhook(base(), 'gizmos', widgetAsGizmo)).status).toBe(409);
    const otherFactory = batchOf('gizmos', completionOf(order.number, widget!));
    expect((await deliverWebhook(base(), 'widgets', otherFactory)).status).toBe(409);
    await unchanged(order);

    // The true completions still go through afterwards.
    const real = [widget, gizmo].map((line) => completionOf(order.number, line!));
    expect((await deliverWebhook(base(), 'widgets', batchOf('widgets', real[0]!))).status).toBe(200);
    expect((await deliverWebhook(base(), 'gizmos', batchOf('gizmos', real[1]!))).status).toBe(200);
    const complete = (await readOrder(stack.ordersUrl, order.number))!;
    expect(complete.status).toBe('COMPLETE');
    expect(complete.lines.map((line) => line.productionOrder?.id)).toEqual(
      order.lines.map((line) => line.productionOrder?.id),
    );
  });

  it('records a completion once: a duplicate answers 200 repeat with no second effect', async () => {
    const order = await scheduledOrder();
    const body = batchOf('widgets', completionOf(order.number, order.lines[0]!));
    const first = await deliverWebhook(base(), 'widgets', body, { id: 'msg_dup' });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'recorded', recorded: 1, repeated: 0 });
    const recorded = (await readOrder(stack.ordersUrl, order.number))!;
    expect(recorded.lines[0]).toMatchObject({
      status: 'COMPLETED',
      productionOrder: order.lines[0]!.productionOrder,
    });

    const later = { ...body.completions[0]!, completedAt: new Date(Date.now() + 1000).toISOString() };
    const again = await deliverWebhook(base(), 'widgets', batchOf('widgets', later), { id: 'msg_dup' });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ outcome: 'repeat', recorded: 0, repeated: 1 });
    const after = (await readOrder(stack.ordersUrl, order.number))!;
    expect(after.lines[0]!.completedAt).toBe(recorded.lines[0]!.completedAt);
    expect(after.status).toBe('SCHEDULED'); // the gizmo line is still in production
  });

  it('accepts, during a rotation, the previous secret as well as the current one, and no unrelated one', async () => {
    const order = await scheduledOrder();
    const rotating: OrdersService = await startOrdersProcess({
      ...stack.shared,
      WEBHOOK_SECRET_WIDGETS: 'orders-test-widgets-webhook-secret-2',
      WEBHOOK_SECRET_WIDGETS_PREVIOUS: TEST_WEBHOOK_SECRETS.widgets,
    });
    try {
      const body = batchOf('widgets', completionOf(order.number, order.lines[0]!));
      const unrelated = await deliverWebhook(rotating.http.url, 'widgets', body, {
        secret: 'orders-test-widgets-webhook-secret-3',
      });
      expect(unrelated.status).toBe(401);
      await unchanged(order);
      expect((await deliverWebhook(rotating.http.url, 'widgets', body)).status).toBe(200);
      const gizmo = batchOf('gizmos', completionOf(order.number, order.lines[1]!));
      const byNew = await deliverWebhook(rotating.http.url, 'gizmos', gizmo, {
        secret: TEST_WEBHOOK_SECRETS.gizmos,
      });
      expect(byNew.status).toBe(200);
      expect((await readOrder(stack.ordersUrl, order.number))!.status).toBe('COMPLETE');
    } finally {
      await rotating.close();
    }
  });

  it('completes the line once when the service dies between recording and replying', async () => {
    const order = await scheduledOrder();
    let killed = false;
    // A process whose reply never leaves: the socket is destroyed right after the commit, as a crash would.
    const dying: OrdersService = await startOrdersProcess(stack.shared, {
      afterWebhookRecord: (req) => {
        killed = true;
        req.socket.destroy();
      },
    });
    const body = batchOf('gizmos', completionOf(order.number, order.lines[1]!));
    await expect(deliverWebhook(dying.http.url, 'gizmos', body, { id: 'msg_crash' })).rejects.toThrow();
    expect(killed).toBe(true);
    await dying.close();

    const redelivered = await deliverWebhook(base(), 'gizmos', body, { id: 'msg_crash' });
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toMatchObject({ outcome: 'repeat' });
    const after = (await readOrder(stack.ordersUrl, order.number))!;
    expect(after.lines[1]).toMatchObject({
      status: 'COMPLETED',
      productionOrder: order.lines[1]!.productionOrder,
    });
  });
});
