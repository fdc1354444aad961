import { ObjectId, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionWebhook } from '#clients/completion-webhook.ts';
import { mongoUrl } from '#kit/testing/databases.ts';
import { lineUuid, startTestFactory, submitBatch } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { waitFor } from './support/wait.ts';

// A slow backoff: only a retry that does not wait for it can pass these tests in time.
let factory: Awaited<ReturnType<typeof startTestFactory>>;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The driver reports every command it sends when asked in the connection string.
  const url = new URL(mongoUrl());
  url.searchParams.set('monitorCommands', 'true');
  factory = await startTestFactory({
    MONGODB_URL: url.toString(),
    FACTORIES: 'widgets',
    ORDERS_WEBHOOK_URL: receiver.url,
    SIM_TIME_SCALE: '0',
    WEBHOOK_RETRY_BASE_MS: '60000',
    WEBHOOK_RETRY_MAX_MS: '60000',
    WEBHOOK_MAX_ATTEMPTS: '3',
  });
});
afterAll(async () => {
  await factory.service.close();
  await receiver.close();
});

const completionsOf = (hooks: { body: string }[]) =>
  hooks.flatMap((hook) => (JSON.parse(hook.body) as CompletionWebhook).completions);
const requests = (prefix: string, count: number, lines: number) =>
  Array.from({ length: count }, (_, index) => ({
    orderNumber: `${prefix}-${index}`,
    lines: Array.from({ length: lines }, (_, k) => ({
      lineId: lineUuid(`${prefix}-${index}-${k}`),
      product: 'WIDGET',
      quantity: 1,
    })),
  }));
const acknowledgedOf = (prefix: string) =>
  completionsOf(receiver.acknowledged()).filter((completion) =>
    completion.orderNumber.startsWith(`${prefix}-`),
  );

describe('completion webhooks, batched', () => {
  it('sends completions due together in one signed webhook of at most 500, each once', async () => {
    const { errors } = await submitBatch(factory.url, 'widgets', requests('BATCH', 120, 5));
    expect(errors).toBeUndefined();
    const done = await waitFor('600 completions acknowledged', async () => {
      const completions = acknowledgedOf('BATCH');
      return completions.length >= 600 ? completions : null;
    });
    expect(new Set(done.map((completion) => completion.lineId)).size).toBe(600);
    expect(done).toHaveLength(600);
    const hooks = receiver.received.filter((hook) => hook.body.includes('"BATCH-'));
    expect(hooks.length).toBeLessThan(20);
    for (const hook of hooks) {
      expect(completionsOf([hook]).length).toBeLessThanOrEqual(500);
      expect(hook.headers['webhook-signature']).toMatch(/^v1,/);
    }
  });

  it('records each batch delivery once, in its batch document, and writes a production order once after its receipt', async () => {
    const commands: CommandStartedEvent[] = [];
    const record = (event: CommandStartedEvent) => commands.push(event);
    factory.service.mongo.on('commandStarted', record);
    const { errors } = await submitBatch(factory.url, 'widgets', requests('ONCE', 100, 5));
    expect(errors).toBeUndefined();
    await waitFor('500 completions acknowledged', async () =>
      acknowledgedOf('ONCE').length >= 500 ? true : null,
    );
    const unit = factory.service.factories.get('widgets')!;
    const numbers = requests('ONCE', 100, 5).map((request) => request.orderNumber);
    await waitFor('the deliveries stored', async () => {
      const docs = await unit.orders.findByOrderNumbers(numbers);
      return docs.every((doc) => doc.webhook?.state === 'DELIVERED') ? true : null;
    });
    factory.service.mongo.off('commandStarted', record);

    // One update a production order (its start and completion, merged at SIM_TIME_SCALE=0), none for its delivery.
    const statements = (collection: string, ids?: Set<string>) =>
      commands
        .filter((event) => event.commandName === 'update' && event.command.update === collection)
        .flatMap((event) => event.command.updates as { q: { _id: unknown } }[])
        .filter((statement) => !ids || ids.has(String(statement.q._id))).length;
    expect(statements('production_orders')).toBeGreaterThanOrEqual(500);
    expect(statements('production_orders')).toBeLessThan(550);
    const hooks = receiver.acknowledged().filter((hook) => hook.body.includes('"ONCE-'));
    // Each batch: opened, then its one delivery.
    const webhookIds = new Set(hooks.map((hook) => String(hook.headers['webhook-id'])));
    expect(statements('production_webhooks', webhookIds)).toBeLessThanOrEqual(2 * hooks.length);
    for (const hook of hooks) {
      const webhookId = String(hook.headers['webhook-id']);
      const carried = completionsOf([hook]).map((completion) => completion.productionOrderId.split(':')[1]!);
      const batch = await unit.orders.batches.collection.findOne({ _id: webhookId });
      expect(batch).toMatchObject({ state: 'DELIVERED', attempts: 1, lastError: null });
      expect(batch!.completions!.map((id) => id.toHexString())).toEqual(carried);
      // As stored, each production order names its batch and was not written for the delivery.
      const stored = await unit.orders.collection
        .find({ _id: { $in: carried.map((hex) => new ObjectId(hex)) } })
        .toArray();
      expect(stored).toHaveLength(carried.length);
      for (const doc of stored)
        expect(doc.webhook).toMatchObject({ webhookId, state: 'PENDING', attempts: 0 });
    }
  });

  it('retries a batch refused as "receipt not yet recorded" (409, retryable) within a second or two', async () => {
    let refusals = 2;
    receiver.respondWith((body) =>
      body.includes('"EARLY-') && refusals-- > 0
        ? { status: 409, json: { error: 'not yet recorded as confirming; retry', retryable: true } }
        : 200,
    );
    const sent = Date.now();
    await submitBatch(factory.url, 'widgets', requests('EARLY', 3, 2));
    await waitFor('6 completions acknowledged after two 409s', async () =>
      acknowledgedOf('EARLY').length >= 6 ? true : null,
    );
    expect(Date.now() - sent).toBeLessThan(10_000); // the backoff would have waited 60 s
    expect(
      receiver.received.filter((hook) => hook.body.includes('"EARLY-') && hook.status === 409),
    ).toHaveLength(2);
    // Two refusals and the delivery: three attempts, none of them waiting for the backoff.
    const doc = await waitFor('the delivery stored', async () => {
      const [stored] = await factory.service.factories.get('widgets')!.orders.findByOrderNumbers(['EARLY-0']);
      return stored?.webhook?.state === 'DELIVERED' ? stored : null;
    });
    expect(doc.webhook).toMatchObject({ state: 'DELIVERED', attempts: 3, lastError: null });
  });

  it('splits a batch refused for one completion, so the others go through', async () => {
    const culprit = lineUuid('SPLIT-1-0');
    receiver.respondWith((body) =>
      body.includes(culprit) ? { status: 404, json: { error: `no line ${culprit}`, retryable: false } } : 200,
    );
    await submitBatch(factory.url, 'widgets', requests('SPLIT', 4, 2));
    await waitFor('the 7 other completions acknowledged', async () =>
      acknowledgedOf('SPLIT').length >= 7 ? true : null,
    );
    expect(acknowledgedOf('SPLIT').map((completion) => completion.lineId)).not.toContain(culprit);
    // Alone at last, it is refused on its own and waits for the (slow) backoff.
    const doc = await waitFor('the culprit refused alone', async () => {
      const { orders } = factory.service.factories.get('widgets')!;
      const [stored] = (await orders.findByOrderNumbers(['SPLIT-1'])).filter((doc) => doc.lineId === culprit);
      return stored?.webhook?.lastError ? stored : null;
    });
    expect(doc.webhook).toMatchObject({ state: 'PENDING', attempts: 1, lastError: 'HTTP 404' });
    receiver.respondWith(() => 200);
  });
});
