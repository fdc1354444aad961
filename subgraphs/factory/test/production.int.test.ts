import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { completionWebhookSchema } from '#clients/completion-webhook.ts';
import { verifyWebhookSignature } from '#kit/webhook-signature.ts';
import { sleep } from '#kit/sim-time.ts';
import { parseProductionOrderId } from '../src/production/production-order.ts';
import { startTestFactory, submit, lineUuid } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { waitFor } from './support/wait.ts';

const SCALE = 0.02; // a default widget of quantity 5 takes 10 simulated seconds: 200 ms here
const SECRET = 'production-test-webhook-secret';
let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: WebhookReceiver;
const failing = new Map<string, number>(); // orderNumber -> how many attempts to answer 500

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.respondWith((body) => {
    const { orderNumber } = (JSON.parse(body) as { completions: { orderNumber: string }[] }).completions[0]!;
    const left = failing.get(orderNumber) ?? 0;
    if (left > 0) failing.set(orderNumber, left - 1);
    return left > 0 ? 500 : 200;
  });
  factory = await startTestFactory({
    ORDERS_WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRET_WIDGETS: SECRET,
    WEBHOOK_MAX_ATTEMPTS: '3',
    SIM_TIME_SCALE: String(SCALE),
    PRODUCTION_LINES: '2',
    PRODUCTION_LINES_GIZMOS: '1',
  });
});
afterAll(async () => {
  await factory.service.close();
  await receiver.close();
});

const widgets = () => factory.service.factories.get('widgets')!.orders.collection;
// Through the repository: a completion's webhook is what its batch records (production_webhooks).
const docOf = (id: string) =>
  factory.service.factories.get('widgets')!.orders.findById(parseProductionOrderId(id)!._id);
const lines = (n: number, quantity = 5) =>
  Array.from({ length: n }, (_, i) => ({ lineId: lineUuid(i), product: 'WIDGET', quantity }));

describe('timed production', () => {
  it('never has more than productionLines in production, and runs them in parallel', async () => {
    const { data, errors } = await submit(factory.url, 'widgets', {
      orderNumber: 'ORD-CAP',
      // 1 s each: long enough that two overlap even when a loaded machine starts the second late.
      lines: lines(7, 25),
    });
    expect(errors).toBeUndefined();
    let maxSeen = 0;
    await waitFor(
      'all seven completed',
      async () => {
        maxSeen = Math.max(
          maxSeen,
          await widgets().countDocuments({ orderNumber: 'ORD-CAP', status: 'IN_PRODUCTION' }),
        );
        return (await widgets().countDocuments({ orderNumber: 'ORD-CAP', status: 'COMPLETED' })) === 7;
      },
      30_000,
    );
    // Also from the record: the most intervals [startedAt, completedAt) overlapping at any start.
    const docs = await widgets().find({ orderNumber: 'ORD-CAP' }).toArray();
    const overlap = Math.max(
      ...docs.map(
        (d) => docs.filter((o) => o.startedAt! <= d.startedAt! && d.startedAt! < o.completedAt!).length,
      ),
    );
    expect(maxSeen).toBeLessThanOrEqual(2);
    expect(overlap).toBe(2);
    expect(new Set(docs.map((d) => d.productionLine))).toEqual(new Set([null]));
    expect(data!.submitProductionRequest.productionOrders).toHaveLength(7);
  });

  it('takes productionSeconds × SIM_TIME_SCALE of wall-clock time', async () => {
    const { data } = await submit(factory.url, 'widgets', {
      orderNumber: 'ORD-TIME',
      lines: [{ lineId: lineUuid('big'), product: 'WIDGET', quantity: 20, attributes: { color: 'red' } }],
    });
    const [order] = data!.submitProductionRequest.productionOrders;
    const doc = await waitFor('completion', async () => {
      const found = await docOf(order!.id);
      return found?.status === 'COMPLETED' ? found : null;
    });
    expect(doc.productionSeconds).toBe(44); // 2 s × 20 × 1.1
    const took = doc.completedAt!.getTime() - doc.startedAt!.getTime();
    expect(took).toBeGreaterThanOrEqual(44 * SCALE * 1000);
  });
});

describe('completion webhook', () => {
  it('is signed verifiably and carries the production order', async () => {
    const { data } = await submit(factory.url, 'widgets', { orderNumber: 'ORD-SIG', lines: lines(1, 1) });
    const id = data!.submitProductionRequest.productionOrders[0]!.id;
    const hook = await waitFor('the webhook', () =>
      receiver.received.find((h) => h.body.includes('ORD-SIG')),
    );
    expect(verifyWebhookSignature(SECRET, hook.headers, hook.body)).toEqual({ ok: true });
    expect(verifyWebhookSignature('another-secret', hook.headers, hook.body).ok).toBe(false);
    expect(hook.headers['webhook-id']).toBe(`po_${id.split(':')[1]}`);
    expect(hook.path).toBe('/webhooks/production/widgets');
    const body = JSON.parse(hook.body) as { factory: string; completions: unknown[] };
    expect(body.factory).toBe('widgets');
    expect(body.completions).toHaveLength(1);
    expect(body.completions[0]).toMatchObject({
      productionOrderId: id,
      orderNumber: 'ORD-SIG',
      lineId: lineUuid(0),
      status: 'COMPLETED',
      quantity: 1,
      attributes: { color: 'black', size: 3, polished: false },
    });
    expect(completionWebhookSchema.safeParse(body).success).toBe(true);
    await waitFor('DELIVERED', async () => (await docOf(id))?.webhook?.state === 'DELIVERED');
  });

  it('retries after 500s with the same webhook-id until a 2xx', async () => {
    failing.set('ORD-RETRY', 2);
    const { data } = await submit(factory.url, 'widgets', { orderNumber: 'ORD-RETRY', lines: lines(1, 1) });
    const id = data!.submitProductionRequest.productionOrders[0]!.id;
    const doc = await waitFor('delivery', async () => {
      const found = await docOf(id);
      return found?.webhook?.state === 'DELIVERED' ? found : null;
    });
    const hooks = receiver.received.filter((h) => h.body.includes('ORD-RETRY'));
    expect(hooks.map((h) => h.status)).toEqual([500, 500, 200]);
    expect(new Set(hooks.map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(doc.webhook).toMatchObject({ attempts: 3, lastError: null });
  });

  it('keeps a delivery that never succeeds as FAILED and shows it in a query', async () => {
    failing.set('ORD-FAIL', 100);
    const { data } = await submit(factory.url, 'widgets', { orderNumber: 'ORD-FAIL', lines: lines(1, 1) });
    const id = data!.submitProductionRequest.productionOrders[0]!.id;
    await waitFor('FAILED', async () => (await docOf(id))?.webhook?.state === 'FAILED');
    await sleep(300);
    expect(receiver.received.filter((h) => h.body.includes('ORD-FAIL'))).toHaveLength(3);
    const query = `{ failedWebhookDeliveries(factory: "widgets") { totalCount edges { node { id orderNumber status
      webhook { webhookId state attempts lastError } } } } }`;
    const { data: listed } = await graphql<{
      failedWebhookDeliveries: { totalCount: number; edges: { node: unknown }[] };
    }>(factory.url, query, {}, 'viewer');
    expect(listed?.failedWebhookDeliveries.edges.map((e) => e.node)).toEqual([
      {
        id,
        orderNumber: 'ORD-FAIL',
        status: 'COMPLETED',
        webhook: { webhookId: `po_${id.split(':')[1]}`, state: 'FAILED', attempts: 3, lastError: 'HTTP 500' },
      },
    ]);
  });
});
