import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import type { ProductionOrderDoc } from '../src/production/production-order.ts';
import { parseProductionOrderId } from '../src/production/production-order.ts';
import { startTestFactory, submit, lineUuid } from './support/factory-fixture.ts';
import { startSignedReceiver, type SignedReceiver } from './support/signed-receiver.ts';
import { waitFor } from './support/wait.ts';

const SECRET = 'outage-test-webhook-secret';
const BASE_MS = 100;
let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: SignedReceiver | undefined;
let port: number;

beforeAll(async () => {
  port = await freePort(); // nothing listens here yet: connections are refused
  factory = await startTestFactory({
    FACTORIES: 'widgets',
    ORDERS_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/production`,
    WEBHOOK_SECRET_WIDGETS: SECRET,
    SIM_TIME_SCALE: '0',
    WEBHOOK_MAX_ATTEMPTS: '20',
    WEBHOOK_RETRY_BASE_MS: String(BASE_MS),
    WEBHOOK_RETRY_MAX_MS: '800',
    WEBHOOK_TIMEOUT_MS: '1000', // lease 2 s: longer than any retry delay here, so the two never mix
  });
});
afterAll(async () => {
  await factory.service.close();
  await receiver?.close();
});

describe('completion webhook while the order service is down', () => {
  it('retries refused connections with growing delays, then is acknowledged once it is up', async () => {
    const { data, errors } = await submit(factory.url, 'widgets', {
      orderNumber: 'ORD-DOWN',
      lines: [{ lineId: lineUuid('l1'), product: 'WIDGET', quantity: 1 }],
    });
    expect(errors).toBeUndefined();
    const { _id } = parseProductionOrderId(data!.submitProductionRequest.productionOrders[0]!.id)!;
    const orders = factory.service.factories.get('widgets')!.orders;

    // Each failed attempt leaves (attempts, lastAttemptAt, nextAttemptAt): the delay it chose.
    const delays = new Map<number, number>();
    const down = await waitFor('four refused attempts', async () => {
      const hook = (await orders.findById(_id))?.webhook;
      if (hook?.lastError && hook.nextAttemptAt && hook.lastAttemptAt) {
        const delay = hook.nextAttemptAt.getTime() - hook.lastAttemptAt.getTime();
        if (delay < 2000) delays.set(hook.attempts, delay); // not a lease of an attempt under way
      }
      return hook && hook.attempts >= 4 && hook.lastError ? hook : null;
    });
    expect(down).toMatchObject({ state: 'PENDING', lastError: 'ECONNREFUSED' });
    expect(delays.size).toBeGreaterThanOrEqual(2);
    for (const [attempt, delay] of delays) {
      // Backoff: at least half of base × 2^(attempt−1), capped at the maximum.
      expect(delay).toBeGreaterThanOrEqual(Math.min(800, BASE_MS * 2 ** (attempt - 1)) / 2);
    }

    receiver = await startSignedReceiver(SECRET, port);
    const delivered = await waitFor('delivery after the receiver came up', async () => {
      const doc: ProductionOrderDoc | null = await orders.findById(_id);
      return doc?.webhook?.state === 'DELIVERED' ? doc : null;
    });
    expect(delivered.webhook).toMatchObject({ lastError: null, nextAttemptAt: null });
    expect(delivered.webhook!.attempts).toBeGreaterThan(down.attempts);
    expect(delivered.webhook!.deliveredAt).toBeInstanceOf(Date);
    expect([...receiver.recorded.keys()]).toEqual([delivered.webhook!.webhookId]);
    expect(receiver.deliveries.map((hook) => hook.status)).toEqual([200]);
  });
});
