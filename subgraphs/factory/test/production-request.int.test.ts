import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { basic, CLIENT, startTestFactory, submit, lineUuid } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: WebhookReceiver;
const stored = async () =>
  (
    await Promise.all(
      [...factory.service.factories.values()].map((unit) => unit.orders.collection.countDocuments()),
    )
  ).reduce((a, b) => a + b);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  factory = await startTestFactory({ ORDERS_WEBHOOK_URL: receiver.url, SIM_TIME_SCALE: '0' });
  await factory.service.factories.get('gadgets')!.clients.register('gadget-only', 'gadget-secret-123');
});
afterAll(async () => {
  await factory.service.close();
  await receiver.close();
});

const widget = (overrides: Record<string, unknown> = {}) => ({
  lineId: lineUuid('l1'),
  product: 'WIDGET',
  quantity: 2,
  ...overrides,
});

describe('submitProductionRequest validation', () => {
  it.each([
    ['empty order number', { orderNumber: ' ', lines: [widget()] }, 'orderNumber'],
    ['no lines', { orderNumber: 'ORD-V1', lines: [] }, 'lines'],
    ['empty line id', { orderNumber: 'ORD-V1', lines: [widget({ lineId: '' })] }, 'lines.0.lineId'],
    ['line id not a UUID', { orderNumber: 'ORD-V1', lines: [widget({ lineId: 'l1' })] }, 'lines.0.lineId'],
    ['repeated line id', { orderNumber: 'ORD-V1', lines: [widget(), widget()] }, 'lines.1.lineId'],
    [
      'product of another factory',
      { orderNumber: 'ORD-V1', lines: [widget(), widget({ lineId: lineUuid('l2'), product: 'GIZMO' })] },
      'lines.1.product',
    ],
    ['quantity 0', { orderNumber: 'ORD-V1', lines: [widget({ quantity: 0 })] }, 'lines.0.quantity'],
    ['quantity 1001', { orderNumber: 'ORD-V1', lines: [widget({ quantity: 1001 })] }, 'lines.0.quantity'],
    [
      'unknown attribute',
      { orderNumber: 'ORD-V1', lines: [widget({ attributes: { colour: 'red' } })] },
      'lines.0.attributes.colour',
    ],
    [
      'value not allowed',
      { orderNumber: 'ORD-V1', lines: [widget({ attributes: { color: 'mauve' } })] },
      'lines.0.attributes.color',
    ],
    [
      'value out of range',
      { orderNumber: 'ORD-V1', lines: [widget({ attributes: { size: 11 } })] },
      'lines.0.attributes.size',
    ],
    [
      'wrong type',
      { orderNumber: 'ORD-V1', lines: [widget({ attributes: { polished: 'yes' } })] },
      'lines.0.attributes.polished',
    ],
    [
      'attributes not an object',
      { orderNumber: 'ORD-V1', lines: [widget({ attributes: [1] })] },
      'lines.0.attributes',
    ],
  ])('rejects %s with BAD_USER_INPUT naming the field, storing nothing', async (_what, input, field) => {
    const before = await stored();
    const { errors, data } = await submit(factory.url, 'widgets', input);
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(errors?.[0]?.message).toContain(field);
    expect(await stored()).toBe(before);
  });

  it('rejects an unknown factory', async () => {
    const { errors } = await submit(factory.url, 'doohickeys', { orderNumber: 'ORD-V2', lines: [widget()] });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'factory' });
  });

  it('rejects a non-integer quantity at the GraphQL layer', async () => {
    const { errors } = await submit(factory.url, 'widgets', {
      orderNumber: 'ORD-V3',
      lines: [widget({ quantity: 1.5 })],
    });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('client authentication', () => {
  const input = { orderNumber: 'ORD-A1', lines: [widget()] };

  it('answers UNAUTHENTICATED without credentials', async () => {
    const { errors } = await submit(factory.url, 'widgets', input, null);
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers UNAUTHENTICATED for a wrong secret or an unknown client', async () => {
    for (const authorization of [basic(CLIENT.name, 'wrong-secret'), basic('stranger', CLIENT.secret)]) {
      const { errors } = await submit(factory.url, 'widgets', input, authorization);
      expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it("refuses another factory's client", async () => {
    const { errors } = await submit(factory.url, 'widgets', input, basic('gadget-only', 'gadget-secret-123'));
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ok = await submit(
      factory.url,
      'gadgets',
      { orderNumber: 'ORD-A2', lines: [{ lineId: lineUuid('g'), product: 'GADGET', quantity: 1 }] },
      basic('gadget-only', 'gadget-secret-123'),
    );
    expect(ok.errors).toBeUndefined();
  });

  it('answers FORBIDDEN to a bearer token, even an admin one', async () => {
    const { errors } = await graphql(
      factory.url,
      'mutation { submitProductionRequest(factory: "widgets", input: { orderNumber: "ORD-A3", lines: [] }) { orderNumber } }',
      {},
      'admin',
    );
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps bearer tokens for read queries and refuses Basic there', async () => {
    const query = '{ products { sku kind name attributes { name type default allowed min max } } }';
    const { data } = await graphql<{ products: { kind: string; attributes: unknown[] }[] }>(
      factory.url,
      query,
      {},
      'viewer',
    );
    expect(data?.products.map((p) => p.kind)).toEqual(['WIDGET', 'GADGET', 'GIZMO']);
    expect(data?.products[0]?.attributes).toContainEqual({
      name: 'color',
      type: 'string',
      default: 'black',
      allowed: ['black', 'red', 'green', 'blue', 'white'],
      min: null,
      max: null,
    });
    const basicRead = await graphql(factory.url, query, {}, null, {
      authorization: basic(CLIENT.name, CLIENT.secret),
    });
    expect(basicRead.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('idempotent resubmission', () => {
  it('returns the same receipt for the same (orderNumber, lineId) and creates nothing', async () => {
    const input = {
      orderNumber: 'ORD-I1',
      lines: [widget({ attributes: { color: 'red' } }), widget({ lineId: lineUuid('l2'), quantity: 5 })],
    };
    const first = await submit(factory.url, 'widgets', input);
    expect(first.errors).toBeUndefined();
    const count = await stored();
    const again = await submit(factory.url, 'widgets', input);
    expect(again.errors).toBeUndefined();
    const ids = (r: typeof first) => r.data!.submitProductionRequest.productionOrders.map((o) => o.id);
    expect(ids(again)).toEqual(ids(first));
    expect(await stored()).toBe(count);
    expect(first.data!.submitProductionRequest.productionOrders[0]).toMatchObject({
      lineId: lineUuid('l1'),
      attributes: { color: 'red', size: 3, polished: false },
      productionSeconds: 4.4,
    });
  });

  it('answers CONFLICT when the same line comes back with another configuration', async () => {
    await submit(factory.url, 'widgets', { orderNumber: 'ORD-I2', lines: [widget()] });
    const { errors } = await submit(factory.url, 'widgets', {
      orderNumber: 'ORD-I2',
      lines: [widget({ quantity: 3 })],
    });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'lines.0' });
  });

  it('answers requests arriving together (stored as one batch) each as if alone', async () => {
    const distinct = Array.from({ length: 12 }, (_, i) => ({
      orderNumber: `ORD-C${i}`,
      lines: [widget(), widget({ lineId: lineUuid('l2'), quantity: 1 + (i % 3) })],
    }));
    const repeated = { orderNumber: 'ORD-CR', lines: [widget()] };
    const contested = { orderNumber: 'ORD-CX', lines: [widget()] };
    const before = await stored();
    const answers = await Promise.all(
      [
        ...distinct,
        repeated,
        repeated,
        repeated,
        contested,
        { ...contested, lines: [widget({ quantity: 7 })] },
      ].map((input) => submit(factory.url, 'widgets', input)),
    );
    const ids = (answer: (typeof answers)[number]) =>
      answer.data?.submitProductionRequest.productionOrders.map((order) => order.id);
    for (const [i, answer] of answers.slice(0, distinct.length).entries()) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.submitProductionRequest.orderNumber).toBe(`ORD-C${i}`);
      expect(answer.data!.submitProductionRequest.productionOrders.map((order) => order.quantity)).toEqual([
        2,
        1 + (i % 3),
      ]);
    }
    const [r1, r2, r3, c1, c2] = answers.slice(distinct.length);
    expect(ids(r2!)).toEqual(ids(r1!));
    expect(ids(r3!)).toEqual(ids(r1!));
    // One of the two configurations of the contested line wins; the other is refused.
    expect([c1, c2].filter((answer) => answer!.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(1);
    expect(new Set(answers.flatMap((answer) => ids(answer) ?? [])).size).toBe(distinct.length * 2 + 2);
    expect(await stored()).toBe(before + distinct.length * 2 + 2);
  });
});
