import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { sleep } from '#kit/sim-time.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import type { CompletionWebhook } from '#clients/completion-webhook.ts';
import { ProductionOrderRepository } from '../src/production/production-order.repository.ts';
import type { WebhookBatchDoc } from '../src/webhooks/webhook-batch.ts';
import { CLIENT, lineUuid, submit } from './support/factory-fixture.ts';
import { startFactoryProcess, type FactoryProcess } from './support/factory-process.ts';
import { startSignedReceiver, type SignedReceiver } from './support/signed-receiver.ts';
import { waitFor } from './support/wait.ts';

// Killed after its completions are stored and before any webhook got through: the restart owes them.
const SECRET = 'restore-test-webhook-secret';
const LEASE_TTL_MS = 1000;
const prefix = `${mongoDatabaseName('restore')}_`;
let mongo: MongoClient;
let db: Db;
let receiver: SignedReceiver | undefined;
let factory: FactoryProcess | undefined;
let port: number;
let webhookPort: number;

const start = () =>
  startFactoryProcess(
    {
      MONGODB_URL: mongoUrl(),
      FACTORY_DB_PREFIX: prefix,
      FACTORIES: 'widgets',
      FACTORY_BOOTSTRAP_CLIENT: `${CLIENT.name}:${CLIENT.secret}`,
      // Nothing listens there until the receiver is brought up after the kill.
      ORDERS_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/webhooks/production`,
      WEBHOOK_SECRET_WIDGETS: SECRET,
      SIM_TIME_SCALE: '0',
      PRODUCTION_LINES: '2',
      AGENDA_PROCESS_EVERY_MS: '100',
      FACTORY_LEASE_TTL_MS: String(LEASE_TTL_MS),
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_MS: '200',
    },
    port,
  );

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
  db = mongo.db(`${prefix}widgets`);
  port = await freePort();
  webhookPort = await freePort();
});
afterAll(async () => {
  await factory?.stop();
  await receiver?.close();
  await db.dropDatabase().catch(() => {});
  await mongo.close();
});

describe('a factory killed between its completions and their delivery', () => {
  it('restores the PENDING batches at start and delivers each completion once, recorded in its batch', async () => {
    factory = await start();
    const lines = Array.from({ length: 6 }, (_, i) => ({
      lineId: lineUuid(`R-${i}`),
      product: 'WIDGET',
      quantity: 1,
    }));
    const { errors } = await submit(factory.url, 'widgets', { orderNumber: 'ORD-RESTORE', lines });
    expect(errors).toBeUndefined();
    const batches = db.collection<WebhookBatchDoc>('production_webhooks');
    // Every completion stored and its batch attempted (the receiver is down): the webhooks are owed.
    await waitFor('every batch attempted', async () => {
      const docs = await db.collection('production_orders').find({ orderNumber: 'ORD-RESTORE' }).toArray();
      if (docs.length !== 6 || docs.some((doc) => doc.status !== 'COMPLETED')) return null;
      const names = [...new Set(docs.map((doc) => (doc.webhook as { webhookId: string }).webhookId))];
      const stored = await Promise.all(names.map((_id) => batches.findOne({ _id })));
      return stored.every((batch) => batch && batch.attempts >= 1 && batch.state === 'PENDING') ? true : null;
    });
    const stored = new ProductionOrderRepository(db);
    const before = await stored.findByOrderNumbers(['ORD-RESTORE']);
    for (const doc of before)
      expect(doc.webhook).toMatchObject({ state: 'PENDING', lastError: 'ECONNREFUSED' });
    await factory.kill();

    receiver = await startSignedReceiver(SECRET, webhookPort);
    await sleep(LEASE_TTL_MS);
    factory = await start();
    const after = await waitFor('every webhook delivered', async () => {
      const docs = await stored.findByOrderNumbers(['ORD-RESTORE']);
      return docs.every((doc) => doc.webhook?.state === 'DELIVERED') ? docs : null;
    });
    await sleep(500); // a repeat would show now
    const completions = [...receiver.recorded.values()].flatMap(
      (body) => (JSON.parse(body) as CompletionWebhook).completions,
    );
    expect(completions.map((completion) => completion.lineId).sort()).toEqual(
      lines.map((line) => line.lineId).sort(),
    );
    for (const doc of after) {
      const earlier = before.find((d) => d._id.equals(doc._id))!;
      expect(doc.completedAt).toEqual(earlier.completedAt); // completed once, before the kill
      expect(doc.webhook!.webhookId).toBe(earlier.webhook!.webhookId); // the same batch, sent again
      const batch = await batches.findOne({ _id: doc.webhook!.webhookId });
      expect(batch!.state).toBe('DELIVERED');
      expect(batch!.completions!.some((id) => id.equals(doc._id))).toBe(true);
    }
    // Nothing is live: the live records are gone but the marker.
    await waitFor('the live records removed', async () =>
      (await db.collection('production_live').countDocuments({ _id: { $ne: 'listed' as never } })) === 0
        ? true
        : null,
    );
  });
});
