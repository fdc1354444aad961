import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createCustomersClient } from '#clients/customers-client.ts';
import { TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { ORDER_UPDATED_CHANNEL, parseNotification } from '../src/order/order-notification.ts';
import { createPlacementWriter, placeOrder } from '../src/order/place-order.ts';
import { createCustomer, eventually } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

describe('placements made at the same moment', () => {
  let stack: Awaited<ReturnType<typeof startOrdersWithCustomers>>;
  let customerId: string;
  let db: pg.Client;
  const notifications: string[] = [];
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    customerId = await createCustomer(stack.customersUrl);
    db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    db.on('notification', (message) => notifications.push(message.payload ?? ''));
    await db.query(`LISTEN ${ORDER_UPDATED_CHANNEL}`);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('are stored together, each with its own lines, history, outbox message and notification', async () => {
    const deps = {
      em: () => stack.orders.orm.em.fork(),
      customers: createCustomersClient({
        url: stack.customersUrl,
        serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
      }),
      placements: createPlacementWriter(stack.orders.orm),
    };
    const place = (quantity: number, clientRequestId: string) =>
      placeOrder(deps, {
        customerId,
        lines: [
          { product: 'WIDGET', quantity },
          { product: 'GIZMO', quantity: quantity + 100 },
        ],
        source: 'MANUAL',
        clientRequestId,
      });
    // Sixty at once; the last two repeat one key within a batch: one order, answered to both.
    const placed = await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => place(i + 1, `batch-${i}`)),
      place(7, 'batch-repeat'),
      place(7, 'batch-repeat'),
    ]);
    const numbers = placed.map((order) => order.number);
    expect(new Set(numbers).size).toBe(61);
    expect(numbers[60]).toBe(numbers[61]);

    const { rows } = await db.query<{
      number: string;
      quantities: number[];
      events: string[];
      outbox: number[];
    }>(
      `select o.number,
          (select array_agg(l.quantity order by l.position) from orders.order_line l where l.order_id = o.id) as quantities,
          (select array_agg(e.status) from orders.order_event e where e.order_id = o.id) as events,
          (select array_agg((m.payload->'lines'->0->>'quantity')::int) from orders.outbox_message m
            where m.key = o.number and m.payload->>'orderNumber' = o.number) as outbox
        from orders."order" o where o.number = any($1)`,
      [numbers],
    );
    const quantityOf = new Map(numbers.map((number, i) => [number, i < 60 ? i + 1 : 7]));
    expect(rows).toHaveLength(61);
    for (const row of rows) {
      const quantity = quantityOf.get(row.number)!;
      expect(row).toEqual({
        number: row.number,
        quantities: [quantity, quantity + 100],
        events: ['VERIFIED'],
        outbox: [quantity],
      });
    }

    // Every order announced once, several to a NOTIFY: not one NOTIFY (and its commit) per order.
    const announced = await eventually(() => {
      const snapshots = notifications.flatMap(parseNotification).filter((s) => numbers.includes(s.number));
      return snapshots.length >= 61 ? snapshots : undefined;
    });
    expect(announced.map((s) => s.number).sort()).toEqual([...new Set(numbers)].sort());
    expect(announced.every((s) => s.status === 'VERIFIED' && s.id > 0)).toBe(true);
    expect(notifications.length).toBeLessThan(61 / 4);
  });
});
