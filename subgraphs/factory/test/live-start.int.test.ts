import { MongoClient, ObjectId, type CommandStartedEvent, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit/logger.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { loadFactoryConfig } from '../src/config.ts';
import { startFactoryUnit, type FactoryUnit } from '../src/factory/factory-unit.ts';
import { ProductionOrderRepository } from '../src/production/production-order.repository.ts';
import { lineUuid } from './support/factory-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';
import { waitFor } from './support/wait.ts';

// A factory started over stored history: its start must cost what is live, not what is stored.
const HISTORY = 3000;
let mongo: MongoClient;
let db: Db;
let receiver: WebhookReceiver;
let unit: FactoryUnit | undefined;
const commands: CommandStartedEvent[] = [];

const start = () => {
  const config = loadFactoryConfig({
    ...process.env,
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
    MONGODB_URL: mongoUrl(),
    FACTORIES: 'widgets',
    ORDERS_WEBHOOK_URL: receiver.url,
    SIM_TIME_SCALE: '0',
    AGENDA_PROCESS_EVERY_MS: '100',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_MAX_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '1000',
  });
  return startFactoryUnit('widgets', db, config, createLogger('factory', 'silent'));
};

const requests = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    orderNumber: `${prefix}-${index}`,
    lines: [0, 1].map((k) => ({
      lineId: lineUuid(`${prefix}-${index}-${k}`),
      product: 'WIDGET' as const,
      quantity: 1,
    })),
  }));

/** Completed, delivered production orders as an earlier version stored them: the history. */
const history = (count: number) => {
  const at = new Date(Date.now() - 86_400_000);
  return Array.from({ length: count }, (_, k) => {
    const _id = new ObjectId();
    return {
      _id,
      factory: 'widgets' as const,
      orderNumber: `OLD-${k}`,
      lineId: lineUuid(`OLD-${k}`),
      product: 'WIDGET' as const,
      quantity: 1,
      attributes: { color: 'black', size: 3, polished: false },
      status: 'COMPLETED' as const,
      productionSeconds: 2.15,
      queuedAt: at,
      startedAt: at,
      dueAt: at,
      completedAt: at,
      productionLine: null,
      webhook: {
        webhookId: `po_${_id.toHexString()}`,
        state: 'DELIVERED' as const,
        attempts: 1,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: at,
      },
      traceparent: null,
    };
  });
};

beforeAll(async () => {
  // The driver reports every command it sends when asked in the connection string.
  const url = new URL(mongoUrl());
  url.searchParams.set('monitorCommands', 'true');
  mongo = await new MongoClient(url.toString()).connect();
  db = mongo.db(mongoDatabaseName('livestart'));
  mongo.on('commandStarted', (event) => {
    if (Object.values(event.command).includes('production_orders')) commands.push(event);
  });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await unit?.stop();
  await receiver.close();
  await db.dropDatabase().catch(() => {});
  await mongo.close();
});

describe('a factory started over stored history', () => {
  it('reads production orders by `_id` only, the live ones, and delivers their webhooks', async () => {
    receiver.respondWith(() => 503); // the order service is down: the webhooks stay PENDING
    unit = await start();
    const outcomes = await unit.receive(requests('LIVE', 10));
    const live = outcomes.flatMap((outcome) => ('orders' in outcome ? outcome.orders : []));
    expect(live).toHaveLength(20);
    await waitFor('a webhook attempted', () => receiver.received.length > 0);
    await unit.stop();
    unit = undefined;
    await db.collection('production_orders').insertMany(history(HISTORY));

    commands.length = 0;
    receiver.respondWith(() => 200);
    unit = await start();
    const atStart = [...commands];
    // Every read of production_orders during the start is one `_id` lookup, and only of live orders.
    const reads = atStart.filter((event) => !['update', 'createIndexes'].includes(event.commandName));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.length).toBeLessThanOrEqual(live.length);
    for (const event of reads) {
      expect(event.commandName).toBe('find');
      expect(Object.keys(event.command.filter as object)).toEqual(['_id']);
      expect((event.command.filter as { _id: unknown })._id).toBeInstanceOf(ObjectId);
    }

    const stored = new ProductionOrderRepository(db);
    await waitFor('every live order delivered', async () => {
      const docs = await stored.findByOrderNumbers(live.map((doc) => doc.orderNumber));
      return docs.length === 20 && docs.every((doc) => doc.webhook?.state === 'DELIVERED');
    });
    // Nothing is live any more: the live records are gone but the marker that every live order is listed.
    await waitFor('the live records removed', async () => {
      const records = await db.collection<{ _id: unknown }>('production_live').find().toArray();
      return records.length === 1 && records[0]!._id === 'listed';
    });
  });

  it('scans data of an earlier version once, at its first start, and lists what is live in it', async () => {
    await unit?.stop();
    unit = undefined;
    const older = history(3).map((doc) => ({
      ...doc,
      orderNumber: `${doc.orderNumber}-PENDING`,
      webhook: {
        ...doc.webhook,
        state: 'PENDING' as const,
        attempts: 0,
        deliveredAt: null,
        nextAttemptAt: new Date(),
      },
    }));
    await db.collection('production_orders').insertMany(older);
    await db.collection('production_live').deleteMany({}); // as an earlier version left it: no records
    unit = await start();
    const stored = new ProductionOrderRepository(db);
    await waitFor('the earlier version’s PENDING webhooks delivered', async () => {
      const docs = await stored.findByOrderNumbers(older.map((doc) => doc.orderNumber));
      return docs.length === 3 && docs.every((doc) => doc.webhook?.state === 'DELIVERED');
    });
    expect(await db.collection('production_live').findOne({ _id: 'listed' as never })).not.toBeNull();
    // Delivered as they were named: each under its own webhook id, recorded once in its batch.
    const ids = receiver.received
      .filter((hook) => hook.body.includes('-PENDING'))
      .map((hook) => hook.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set(older.map((doc) => doc.webhook.webhookId)));
    // The next start reads by `_id` only again.
    await unit.stop();
    commands.length = 0;
    unit = await start();
    for (const event of commands.filter((event) => event.commandName === 'find'))
      expect(Object.keys(event.command.filter as object)).toEqual(['_id']);
  });
});
