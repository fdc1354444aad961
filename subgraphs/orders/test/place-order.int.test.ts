import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createCustomersClient } from '#clients/customers-client.ts';
import { TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { createPlacementWriter, placeOrder as placeOrderInProcess } from '../src/order/place-order.ts';
import { archiveCustomer, createCustomer, placeOrder } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

async function countRows(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      orders: string;
      lines: string;
      events: string;
      outbox: string;
    }>(`select
      (select count(*) from orders."order") as orders, (select count(*) from orders.order_line) as lines,
      (select count(*) from orders.order_event) as events, (select count(*) from orders.outbox_message) as outbox`);
    return Object.fromEntries(Object.entries(rows[0]!).map(([key, value]) => [key, Number(value)]));
  } finally {
    await client.end();
  }
}

describe('placeOrder', () => {
  let stack: Stack;
  let customerId: string;
  const inProcess = (customers: ReturnType<typeof createCustomersClient>) => ({
    em: () => stack.orders.orm.em.fork(),
    customers,
    placements: createPlacementWriter(stack.orders.orm),
  });
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    customerId = await createCustomer(stack.customersUrl);
  });
  afterAll(async () => stack?.close());

  it('stores a valid order as VERIFIED with defaults filled, its history event and an outbox message', async () => {
    const before = await countRows(stack.databaseUrl);
    const result = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
        { product: 'GADGET', quantity: 1 },
      ],
    });
    expect(result.errors).toBeUndefined();
    const order = result.data!.placeOrder;
    expect(order.number).toMatch(/^ORD-\d{6}$/);
    expect(order.status).toBe('VERIFIED');
    expect(order.source).toBe('MANUAL');
    expect(order.lines.map((line) => [line.product, line.factory, line.quantity])).toEqual([
      ['WIDGET', 'widgets', 2],
      ['GADGET', 'gadgets', 1],
    ]);
    expect(order.lines[0]!.attributes).toEqual({ color: 'red', size: 3, polished: false });
    expect(order.history.map((event) => event.status)).toEqual(['VERIFIED']);
    expect(await countRows(stack.databaseUrl)).toEqual({
      orders: before.orders! + 1,
      lines: before.lines! + 2,
      events: before.events! + 1,
      outbox: before.outbox! + 1,
    });
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a zero quantity', { product: 'GADGET', quantity: 0 }, 'input.lines.1.quantity'],
    ['a quantity above the maximum', { product: 'GADGET', quantity: 1001 }, 'input.lines.1.quantity'],
    [
      'an unknown attribute',
      { product: 'GADGET', quantity: 1, attributes: { colour: 'red' } },
      'input.lines.1.attributes.colour',
    ],
    [
      'a value not allowed',
      { product: 'GADGET', quantity: 1, attributes: { voltage: 110 } },
      'input.lines.1.attributes.voltage',
    ],
    [
      'a value of the wrong type',
      { product: 'GIZMO', quantity: 1, attributes: { gearCount: 'many' } },
      'input.lines.1.attributes.gearCount',
    ],
    [
      'a value out of range',
      { product: 'GIZMO', quantity: 1, attributes: { gearCount: 65 } },
      'input.lines.1.attributes.gearCount',
    ],
    [
      'attributes that are not an object',
      { product: 'WIDGET', quantity: 1, attributes: [1] },
      'input.lines.1.attributes',
    ],
  ];
  it.each(invalid)('refuses %s naming the field, and stores nothing', async (_label, badLine, field) => {
    const before = await countRows(stack.databaseUrl);
    const result = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }, badLine],
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.errors?.[0]?.message).toContain(field);
    expect(await countRows(stack.databaseUrl)).toEqual(before);
  });

  it('refuses an unknown product through GraphQL enum coercion, naming the path', async () => {
    const result = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 1 },
        { product: 'DOODAD', quantity: 1 },
      ],
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('input.lines[1].product');
  });

  it('refuses an order without lines', async () => {
    const result = await placeOrder(stack.ordersUrl, { customerId, lines: [] });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines' });
  });

  it('refuses an unknown customer and an archived one, storing nothing', async () => {
    const before = await countRows(stack.databaseUrl);
    const archived = await createCustomer(stack.customersUrl, 'Old Customer');
    await archiveCustomer(stack.customersUrl, archived);
    for (const id of [crypto.randomUUID(), 'not-a-uuid', archived]) {
      const result = await placeOrder(stack.ordersUrl, {
        customerId: id,
        lines: [{ product: 'WIDGET', quantity: 1 }],
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.customerId',
      });
    }
    expect(await countRows(stack.databaseUrl)).toEqual(before);
  });

  it('refuses a customer archived a moment after an order for them was accepted (no stale cache)', async () => {
    const customerId = await createCustomer(stack.customersUrl, 'Leaving Soon');
    const first = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
    });
    expect(first.errors).toBeUndefined(); // the customer's lookup is now in the orders' 2 s cache
    await archiveCustomer(stack.customersUrl, customerId);
    const before = await countRows(stack.databaseUrl);
    const second = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
    });
    expect(second.errors?.[0]).toMatchObject({
      message: expect.stringContaining('archived'),
      extensions: { code: 'BAD_USER_INPUT', field: 'input.customerId' },
    });
    expect(await countRows(stack.databaseUrl)).toEqual(before);
  });

  it('returns the same order for a retried placement (Idempotency-Key header or clientRequestId)', async () => {
    const lines = [{ product: 'GIZMO', quantity: 3 }];
    const byHeader = await Promise.all(
      [1, 2, 3].map(() =>
        placeOrder(stack.ordersUrl, { customerId, lines }, { 'idempotency-key': 'retry-1' }),
      ),
    );
    expect(new Set(byHeader.map((result) => result.data?.placeOrder.number)).size).toBe(1);
    const first = await placeOrder(stack.ordersUrl, { customerId, lines, clientRequestId: 'retry-2' });
    const again = await placeOrder(stack.ordersUrl, { customerId, lines, clientRequestId: 'retry-2' });
    expect(again.data!.placeOrder.number).toBe(first.data!.placeOrder.number);
    expect(first.data!.placeOrder.number).not.toBe(byHeader[0]!.data!.placeOrder.number);
  });

  it('refuses a clientRequestId reused with other lines or another customer as CONFLICT, storing nothing', async () => {
    const lines = [{ product: 'WIDGET', quantity: 2, attributes: { color: 'red' } }];
    const otherCustomer = await createCustomer(stack.customersUrl, 'Other Person');
    const first = await placeOrder(stack.ordersUrl, { customerId, lines, clientRequestId: 'retry-3' });
    expect(first.errors).toBeUndefined();
    const before = await countRows(stack.databaseUrl);
    const same = await placeOrder(stack.ordersUrl, { customerId, lines, clientRequestId: 'retry-3' });
    expect(same.data!.placeOrder.number).toBe(first.data!.placeOrder.number);
    for (const changed of [
      { customerId, lines: [{ product: 'WIDGET', quantity: 3, attributes: { color: 'red' } }] },
      { customerId, lines: [{ product: 'GADGET', quantity: 2 }] },
      { customerId: otherCustomer, lines },
    ]) {
      const refused = await placeOrder(stack.ordersUrl, { ...changed, clientRequestId: 'retry-3' });
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        field: 'input.clientRequestId',
        number: first.data!.placeOrder.number,
      });
    }
    const byHeader = await placeOrder(
      stack.ordersUrl,
      { customerId, lines: [{ product: 'GIZMO', quantity: 9 }] },
      { 'idempotency-key': 'retry-3' },
    );
    expect(byHeader.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await countRows(stack.databaseUrl)).toEqual(before);
  });

  it('needs the operator role', async () => {
    const { graphql } = await import('#kit/testing/graphql-client.ts');
    const result = await graphql(
      stack.ordersUrl,
      'mutation { placeOrder(input: { customerId: "x", lines: [] }) { number } }',
      {},
      'viewer',
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps an automated order whose customer was archived after it was picked as REJECTED, never scheduled', async () => {
    const picked = await createCustomer(stack.customersUrl, 'Picked Then Archived');
    await archiveCustomer(stack.customersUrl, picked);
    const customers = createCustomersClient({
      url: stack.customersUrl,
      serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
    });
    const order = await placeOrderInProcess(inProcess(customers), {
      customerId: picked,
      lines: [{ product: 'GADGET', quantity: 1 }],
      source: 'AUTOMATED',
      clientRequestId: `random-order:${picked}`,
    });
    expect(order.status).toBe('REJECTED');

    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ status: string; note: string; next: Date | null }>(
        `select e.status, e.note, o.next_schedule_at as next from orders.order_event e
          join orders."order" o on o.id = e.order_id where o.number = $1 order by e.id`,
        [order.number],
      );
      expect(rows).toEqual([{ status: 'REJECTED', note: `customer ${picked} is archived`, next: null }]);
      const outbox = await client.query<{ status: string }>(
        `select payload->>'status' as status from orders.outbox_message where payload->>'orderNumber' = $1`,
        [order.number],
      );
      expect(outbox.rows).toEqual([{ status: 'REJECTED' }]);
    } finally {
      await client.end();
    }
  });

  it("keeps the placement's traceparent with the order and in its outbox message", async () => {
    const customers = createCustomersClient({
      url: stack.customersUrl,
      serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
    });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const order = await placeOrderInProcess(inProcess(customers), {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
      source: 'MANUAL',
      traceparent,
    });
    expect(order.number).toMatch(/^ORD-\d{6,}$/);
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ stored: string | null; carried: string | null; key: string }>(
        `select o.traceparent as stored, m.payload->>'traceparent' as carried, m.key
          from orders."order" o join orders.outbox_message m on m.payload->>'orderNumber' = o.number
          where o.number = $1`,
        [order.number],
      );
      expect(rows).toEqual([{ stored: traceparent, carried: traceparent, key: order.number }]);
    } finally {
      await client.end();
    }
  });
});
