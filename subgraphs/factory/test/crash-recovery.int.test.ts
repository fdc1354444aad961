import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { sleep } from '#kit/sim-time.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import type { ProductionOrderDoc } from '../src/production/production-order.ts';
import { ProductionOrderRepository } from '../src/production/production-order.repository.ts';
import { CLIENT, submit, lineUuid } from './support/factory-fixture.ts';
import { startFactoryProcess, type FactoryProcess } from './support/factory-process.ts';
import { startSignedReceiver, type SignedReceiver } from './support/signed-receiver.ts';
import { waitFor } from './support/wait.ts';

// A default widget of quantity 5 takes 10 simulated seconds: 1 s here, long enough to kill mid-production.
const SCALE = 0.1;
const SECRET = 'crash-test-webhook-secret';
const LEASE_TTL_MS = 1000;
const prefix = `${mongoDatabaseName('crash')}_`;
let mongo: MongoClient;
let orders: Collection<ProductionOrderDoc>;
let stored: ProductionOrderRepository;
let receiver: SignedReceiver;
let factory: FactoryProcess | undefined;
let port: number;

const start = () =>
  startFactoryProcess(
    {
      MONGODB_URL: mongoUrl(),
      FACTORY_DB_PREFIX: prefix,
      FACTORIES: 'widgets',
      FACTORY_BOOTSTRAP_CLIENT: `${CLIENT.name}:${CLIENT.secret}`,
      ORDERS_WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET_WIDGETS: SECRET,
      SIM_TIME_SCALE: String(SCALE),
      PRODUCTION_LINES: '2',
      AGENDA_PROCESS_EVERY_MS: '100',
      AGENDA_LOCK_LIFETIME_MS: '1500',
      // The killed process's lease must expire before its successor may own the factory.
      FACTORY_LEASE_TTL_MS: String(LEASE_TTL_MS),
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_MS: '400',
    },
    port,
  );

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
  orders = mongo.db(`${prefix}widgets`).collection<ProductionOrderDoc>('production_orders');
  // What the API reads (a completion's webhook from its batch), without the owner's memory.
  stored = new ProductionOrderRepository(mongo.db(`${prefix}widgets`));
  receiver = await startSignedReceiver(SECRET);
  port = await freePort();
});
afterAll(async () => {
  await factory?.stop();
  await receiver.close();
  await mongo
    .db(`${prefix}widgets`)
    .dropDatabase()
    .catch(() => {});
  await mongo.close();
});

describe('a factory process killed mid-production', () => {
  it('completes every order exactly once and gets one acknowledged webhook per order after restart', async () => {
    factory = await start();
    const lines = Array.from({ length: 4 }, (_, i) => ({
      lineId: lineUuid(i),
      product: 'WIDGET',
      quantity: 5,
    }));
    const { errors } = await submit(factory.url, 'widgets', { orderNumber: 'ORD-CRASH', lines });
    expect(errors).toBeUndefined();

    const interrupted = await waitFor('an order in production', () =>
      orders
        .find({ status: 'IN_PRODUCTION' })
        .toArray()
        .then((docs) => (docs.length ? docs : null)),
    );
    await factory.kill();
    const killedAt = new Date();
    // Nothing completed behind our back between the probe and the kill.
    const atKill = await orders.find({ orderNumber: 'ORD-CRASH' }).toArray();
    expect(atKill.filter((doc) => doc.status === 'COMPLETED')).toHaveLength(0);
    expect(receiver.recorded.size).toBe(0);

    await sleep(LEASE_TTL_MS);
    factory = await start();
    const done = await waitFor(
      'every order completed and its webhook delivered',
      async () => {
        const docs = await stored.findByOrderNumbers(['ORD-CRASH']);
        return docs.every((doc) => doc.webhook?.state === 'DELIVERED') ? docs : null;
      },
      30_000,
    );
    // Give a re-run (expired lock, sweep) the chance to complete or deliver anything twice.
    await sleep(2000);
    const settled = (await stored.findByOrderNumbers(['ORD-CRASH'])).sort((a, b) =>
      a.lineId.localeCompare(b.lineId),
    );

    expect(settled).toHaveLength(4);
    // Completions due together share a webhook: look at each production order's completions in them.
    const delivered = receiver.deliveries
      .filter((hook) => hook.status === 200)
      .flatMap(
        (hook) =>
          (JSON.parse(hook.body) as { completions: { productionOrderId: string; completedAt: string }[] })
            .completions,
      );
    for (const doc of settled) {
      const before = done.find((d) => d._id.equals(doc._id))!;
      expect(doc.status).toBe('COMPLETED');
      expect(doc.completedAt).toBeInstanceOf(Date);
      expect(doc.completedAt).toEqual(before.completedAt); // completed once: never re-stamped
      // Named by its batch: the webhook id the receiver was sent.
      expect(doc.webhook).toMatchObject({ state: 'DELIVERED' });
      expect(receiver.recorded.has(doc.webhook!.webhookId)).toBe(true);
      // Every delivery of it (a repeat included) carries the one completion.
      const stamps = new Set(
        delivered
          .filter((completion) => completion.productionOrderId === `widgets:${doc._id.toHexString()}`)
          .map((completion) => completion.completedAt),
      );
      expect([...stamps]).toEqual([doc.completedAt!.toISOString()]);
    }
    // Every production order acknowledged, nothing else, and nothing refused.
    expect([...new Set(delivered.map((completion) => completion.productionOrderId))].sort()).toEqual(
      settled.map((doc) => `widgets:${doc._id.toHexString()}`).sort(),
    );
    expect(receiver.deliveries.filter((hook) => hook.status !== 200)).toEqual([]);
    // The orders in production at the kill finished after the restart.
    for (const doc of interrupted) {
      const after = settled.find((d) => d._id.equals(doc._id))!;
      expect(after.startedAt!.getTime()).toBeLessThan(killedAt.getTime());
      expect(after.completedAt!.getTime()).toBeGreaterThan(killedAt.getTime());
    }
  }, 90_000); // two child-process starts and a 30 s wait: more than the default on a loaded machine
});
