import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionWebhook } from '#clients/completion-webhook.ts';
import { lineUuid, startTestFactory, submitBatch } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: WebhookReceiver;
const widgets = () => factory.service.factories.get('widgets')!.orders.collection;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  factory = await startTestFactory({ ORDERS_WEBHOOK_URL: receiver.url, SIM_TIME_SCALE: '0' });
});
afterAll(async () => {
  await factory.service.close();
  await receiver.close();
});

const line = (label: string, overrides: Record<string, unknown> = {}) => ({
  lineId: lineUuid(label),
  product: 'WIDGET',
  quantity: 1,
  ...overrides,
});

describe('submitProductionRequests', () => {
  it('stores the good requests and answers the bad one with its code and field, storing nothing of it', async () => {
    const { data, errors } = await submitBatch(factory.url, 'widgets', [
      { orderNumber: 'ORD-B1', lines: [line('b1'), line('b1b')], traceparent: TRACEPARENT },
      { orderNumber: 'ORD-B2', lines: [line('b2a'), line('b2b', { quantity: 0 })] },
      { orderNumber: 'ORD-B3', lines: [line('b3')] },
    ]);
    expect(errors).toBeUndefined();
    const results = data!.submitProductionRequests;
    expect(results.map((result) => result.orderNumber)).toEqual(['ORD-B1', 'ORD-B2', 'ORD-B3']);
    expect(results[0]!.receipt!.productionOrders.map((order) => order.lineId)).toEqual([
      lineUuid('b1'),
      lineUuid('b1b'),
    ]);
    expect(results[1]).toMatchObject({
      receipt: null,
      error: { code: 'BAD_USER_INPUT', field: 'requests.1.lines.1.quantity' },
    });
    expect(results[1]!.error!.message).toContain('requests.1.lines.1.quantity');
    expect(results[2]!.error).toBeNull();
    expect(await widgets().countDocuments({ orderNumber: 'ORD-B2' })).toBe(0);
    expect(await widgets().countDocuments({ orderNumber: { $in: ['ORD-B1', 'ORD-B3'] } })).toBe(3);
    const traced = await widgets().findOne({ lineId: lineUuid('b1') });
    expect(traced?.traceparent).toBe(TRACEPARENT);
  });

  it('returns the completion with the traceparent of its request', async () => {
    await expect
      .poll(() =>
        receiver.received
          .flatMap((webhook) => (JSON.parse(webhook.body) as CompletionWebhook).completions)
          .find((completion) => completion.lineId === lineUuid('b1')),
      )
      .toMatchObject({ orderNumber: 'ORD-B1', traceparent: TRACEPARENT });
  });

  it('is idempotent per line and answers CONFLICT for a changed line alone', async () => {
    const before = await widgets().countDocuments();
    const { data } = await submitBatch(factory.url, 'widgets', [
      { orderNumber: 'ORD-B3', lines: [line('b3')] },
      { orderNumber: 'ORD-B1', lines: [line('b1', { quantity: 4 })] },
    ]);
    const [same, changed] = data!.submitProductionRequests;
    expect(same!.receipt!.productionOrders).toHaveLength(1);
    expect(changed).toMatchObject({
      receipt: null,
      error: { code: 'CONFLICT', field: 'requests.1.lines.0' },
    });
    expect(await widgets().countDocuments()).toBe(before);
  });

  it('answers two concurrent batches of the same lines with the same production orders, stored once', async () => {
    const requests = Array.from({ length: 20 }, (_, index) => ({
      orderNumber: `ORD-C${index}`,
      lines: [line(`c${index}a`), line(`c${index}b`)],
    }));
    const [first, second] = await Promise.all([
      submitBatch(factory.url, 'widgets', requests),
      submitBatch(factory.url, 'widgets', requests),
    ]);
    const ids = (answer: typeof first) =>
      answer.data!.submitProductionRequests.flatMap((result) =>
        result.receipt!.productionOrders.map((o) => o.id),
      );
    expect(ids(first)).toHaveLength(40);
    expect(ids(second)).toEqual(ids(first));
    expect(await widgets().countDocuments({ orderNumber: /^ORD-C/ })).toBe(40);
  });

  it('refuses a bad traceparent naming the field', async () => {
    const { data } = await submitBatch(factory.url, 'widgets', [
      { orderNumber: 'ORD-B4', lines: [line('b4')], traceparent: 'not-a-trace' },
    ]);
    expect(data!.submitProductionRequests[0]!.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'requests.0.traceparent',
    });
    expect(await widgets().countDocuments({ orderNumber: 'ORD-B4' })).toBe(0);
  });

  it('refuses more than 500 requests whole, storing nothing', async () => {
    const requests = Array.from({ length: 501 }, (_, index) => ({
      orderNumber: `ORD-M${index}`,
      lines: [line(`m${index}`)],
    }));
    const { data, errors } = await submitBatch(factory.url, 'widgets', requests);
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requests' });
    expect(await widgets().countDocuments({ orderNumber: /^ORD-M/ })).toBe(0);
  });
});
