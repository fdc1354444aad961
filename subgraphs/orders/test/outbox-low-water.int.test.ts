import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit/logger.ts';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { ormConfig } from '../src/mikro-orm.config.ts';
import { outboxPass } from '../src/outbox/outbox-dispatcher.ts';
import type { OrderStatusChangedPayload, OutboxMessage, OutboxSink } from '../src/outbox/outbox-message.ts';
import { advanceLowWater, appendOutboxMessage } from '../src/outbox/outbox.repository.ts';
import { eventually } from './support/orders-fixtures.ts';

const logger = createLogger('orders-test', 'silent');

const payload = (orderNumber: string): OrderStatusChangedPayload => ({
  orderNumber,
  status: 'VERIFIED',
  previousStatus: null,
  at: new Date().toISOString(),
  source: 'MANUAL',
  customer: { id: crypto.randomUUID(), name: 'Ada', email: 'ada@example.com' },
  lines: [{ product: 'WIDGET', quantity: 1, attributes: { color: 'black' } }],
  placedAt: new Date().toISOString(),
  scheduledAt: null,
  completedAt: null,
});

function recordingSink(name: string) {
  const received: OutboxMessage[] = [];
  const sink: OutboxSink & { received: OutboxMessage[] } = {
    name,
    received,
    async deliver(messages) {
      received.push(...messages);
    },
  };
  return sink;
}

describe("an outbox sink's low-water mark", () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig(await createPostgresDatabase('outbox_low_water')));
    await orm.migrator.up();
  });
  afterAll(async () => orm?.close());

  const lowWater = async (sink: string) =>
    (
      await orm.em
        .fork()
        .execute<{ low_water: string }[]>('select low_water from orders.outbox_sink_mark where sink = ?', [
          sink,
        ])
    )[0]?.low_water;

  it('passes old delivered messages, never a young one, and still delivers a message committed late with a lower id', async () => {
    // Old, delivered messages: the mark moves past them, so they are not read again.
    for (const number of ['ORD-000001', 'ORD-000002'])
      await orm.em.fork().transactional((tx) => appendOutboxMessage(tx, payload(number)));
    await orm.em.fork().execute(`update orders.outbox_message set created_at = now() - interval '1 hour'`);
    const sink = recordingSink('log');
    const pass = outboxPass({ orm, logger, sinks: [sink], retryBaseMs: 10, retryMaxMs: 10 });
    await pass();
    expect(sink.received.map((m) => m.key)).toEqual(['ORD-000001', 'ORD-000002']);
    const [row] = await orm.em
      .fork()
      .execute<{ max: string }[]>('select max(id) as max from orders.outbox_message');
    const max = row!.max;
    // Once the transactions running at the first advance have ended (any database's: the snapshot is the server's).
    await eventually(async () => {
      await advanceLowWater(orm.em.fork(), 'log');
      return (await lowWater('log')) === String(BigInt(max) + 1n) ? true : undefined;
    });

    // A transaction takes an id, then commits after a later message was delivered.
    let releaseLate!: () => void;
    const lateCanCommit = new Promise<void>((resolve) => (releaseLate = resolve));
    let lateInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (lateInserted = resolve));
    const late = orm.em.fork().transactional(async (tx) => {
      await appendOutboxMessage(tx, payload('ORD-000003'));
      lateInserted();
      await lateCanCommit;
    });
    try {
      await inserted;
      await orm.em.fork().transactional((tx) => appendOutboxMessage(tx, payload('ORD-000004')));
      await pass();
      expect(sink.received.map((m) => m.key).slice(2)).toEqual(['ORD-000004']);
      // The mark stays at the uncommitted ORD-000003: the delivered ORD-000004 is too young to pass.
      await advanceLowWater(orm.em.fork(), 'log');
      expect(await lowWater('log')).toBe(String(BigInt(max) + 1n));
      // Nor when the open transaction outlives the settle time (a commit stalled on a loaded machine).
      await orm.em
        .fork()
        .execute(
          `update orders.outbox_message set created_at = now() - interval '1 hour' where key = 'ORD-000004'`,
        );
      await advanceLowWater(orm.em.fork(), 'log');
      await advanceLowWater(orm.em.fork(), 'log');
      expect(await lowWater('log')).toBe(String(BigInt(max) + 1n));
    } finally {
      releaseLate();
      await late;
    }
    await pass();
    expect(sink.received.map((m) => m.key)).toEqual(['ORD-000001', 'ORD-000002', 'ORD-000004', 'ORD-000003']);
  });
});
