import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit/logger.ts';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { ormConfig } from '../src/mikro-orm.config.ts';
import { outboxPass } from '../src/outbox/outbox-dispatcher.ts';
import type { OrderStatusChangedPayload, OutboxMessage, OutboxSink } from '../src/outbox/outbox-message.ts';
import { appendOutboxMessage } from '../src/outbox/outbox.repository.ts';
import { createSinkLocks, type SinkLocks } from '../src/outbox/sink-lock.ts';
import { eventually } from './support/orders-fixtures.ts';

const logger = createLogger('orders-test', 'silent');

const payload = (orderNumber: string): OrderStatusChangedPayload => ({
  orderNumber,
  status: 'VERIFIED',
  previousStatus: null,
  at: new Date().toISOString(),
  source: 'MANUAL',
  customer: { id: crypto.randomUUID(), name: 'Ada', email: 'ada@example.com' },
  lines: [{ product: 'WIDGET', quantity: 1, attributes: {} }],
  placedAt: new Date().toISOString(),
  scheduledAt: null,
  completedAt: null,
});

/** A sink whose deliveries hang until `release()`, like a Sheets sink backing off on 429s. */
function stalledSink(name: string) {
  const received: OutboxMessage[][] = [];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const sink: OutboxSink = {
    name,
    async deliver(messages) {
      received.push([...messages]);
      await gate;
    },
  };
  return { sink, received, release: () => open() };
}

describe('the outbox dispatcher with a slow sink', () => {
  let orm: MikroORM;
  let url: string;
  const locks: SinkLocks[] = [];
  const newLocks = () => {
    const created = createSinkLocks(url, logger, 2);
    locks.push(created);
    return created;
  };
  const append = (number: string) =>
    orm.em.fork().transactional(async (tx) => {
      await tx.execute("set local lock_timeout = '2s'");
      await appendOutboxMessage(tx, payload(number));
    });
  const count = async (sql: string) => Number((await orm.em.fork().execute<{ n: string }[]>(sql))[0]!.n);

  beforeAll(async () => {
    url = await createPostgresDatabase('outbox_slow');
    orm = await MikroORM.init(ormConfig(url));
    await orm.migrator.up();
  });
  afterAll(async () => {
    await Promise.all(locks.map((created) => created.close()));
    await orm?.close();
  });

  it('holds no transaction or table lock while delivering, and keeps a second process off the sink', async () => {
    await append('ORD-000001');
    const slow = stalledSink('slow');
    const passing = outboxPass({
      orm,
      logger,
      sinks: [slow.sink],
      locks: newLocks(),
      retryBaseMs: 10,
      retryMaxMs: 50,
    })();
    await eventually(() => (slow.received.length === 1 ? true : undefined));

    expect(
      await count(`select count(*) as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`),
    ).toBe(0);
    expect(
      await count(`select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation
        where c.relname in ('outbox_message', 'outbox_delivery', 'order') and l.pid <> pg_backend_pid()`),
    ).toBe(0);
    await append('ORD-000002'); // a placement's write goes through at once (lock_timeout 2 s)

    const other = stalledSink('slow');
    other.release();
    await outboxPass({
      orm,
      logger,
      sinks: [other.sink],
      locks: newLocks(),
      retryBaseMs: 10,
      retryMaxMs: 50,
    })();
    expect(other.received).toEqual([]); // the sink is busy in the first process: order is kept

    slow.release();
    await passing;
    expect(await count(`select count(*) as n from orders.outbox_delivery where sink = 'slow'`)).toBe(1);
  });

  it('redelivers a batch whose delivering process died before acknowledging it', async () => {
    await append('ORD-000003');
    const dying = stalledSink('crashy');
    const abandoned = outboxPass({
      orm,
      logger,
      sinks: [dying.sink],
      locks: newLocks(),
      retryBaseMs: 10,
      retryMaxMs: 50,
    })();
    await eventually(() => (dying.received.length === 1 ? true : undefined));
    // The process dies: its connections close, and the session lock goes with them. Only this
    // database's: other test files running meanwhile hold their own outbox locks.
    await orm.em.fork().execute(`select pg_terminate_backend(pid) from pg_locks
      where locktype = 'advisory' and granted and pid <> pg_backend_pid()
        and database = (select oid from pg_database where datname = current_database())`);

    const survivor = stalledSink('crashy');
    survivor.release();
    const pass = outboxPass({
      orm,
      logger,
      sinks: [survivor.sink],
      locks: newLocks(),
      retryBaseMs: 10,
      retryMaxMs: 50,
    });
    await eventually(async () => {
      await pass();
      return survivor.received.length === 1 ? true : undefined;
    });
    expect(survivor.received[0]!.map((message) => message.id)).toEqual(
      dying.received[0]!.map((message) => message.id),
    );
    expect(await count(`select count(*) as n from orders.outbox_delivery where sink = 'crashy'`)).toBe(3);

    dying.release(); // the "dead" delivery finishing late acknowledges nothing twice and does not throw
    await abandoned;
    expect(await count(`select count(*) as n from orders.outbox_delivery where sink = 'crashy'`)).toBe(3);
  });
});
