import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit/logger.ts';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { ormConfig } from '../src/mikro-orm.config.ts';
import { outboxPass } from '../src/outbox/outbox-dispatcher.ts';
import type { OrderStatusChangedPayload, OutboxMessage, OutboxSink } from '../src/outbox/outbox-message.ts';
import { appendOutboxMessage } from '../src/outbox/outbox.repository.ts';

const logger = createLogger('orders-test', 'silent');

const payload = (
  orderNumber: string,
  status: OrderStatusChangedPayload['status'],
): OrderStatusChangedPayload => ({
  orderNumber,
  status,
  previousStatus: null,
  at: new Date().toISOString(),
  source: 'MANUAL',
  customer: { id: crypto.randomUUID(), name: 'Ada', email: 'ada@example.com' },
  lines: [{ product: 'WIDGET', quantity: 1, attributes: { color: 'black' } }],
  placedAt: new Date().toISOString(),
  scheduledAt: null,
  completedAt: null,
});

/** A sink that records what it is given and fails while `failuresLeft` > 0. */
function recordingSink(name: string, failuresLeft = 0) {
  const received: OutboxMessage[] = [];
  const sink: OutboxSink & { received: OutboxMessage[]; calls: number } = {
    name,
    received,
    calls: 0,
    async deliver(messages) {
      sink.calls++;
      if (failuresLeft-- > 0) throw new Error(`${name} is down`);
      received.push(...messages);
    },
  };
  return sink;
}

describe('the outbox dispatcher', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig(await createPostgresDatabase('outbox')));
    await orm.migrator.up();
  });
  afterAll(async () => orm?.close());

  it('delivers to every sink in id order, retries a failing sink with backoff, and marks what was delivered', async () => {
    await orm.em.fork().transactional(async (tx) => {
      for (const [number, status] of [
        ['ORD-000001', 'VERIFIED'],
        ['ORD-000002', 'VERIFIED'],
        ['ORD-000001', 'SCHEDULED'],
        ['ORD-000001', 'COMPLETE'],
        ['ORD-000002', 'SCHEDULED'],
      ] as const)
        await appendOutboxMessage(tx, payload(number, status));
    });
    const steady = recordingSink('steady');
    const flaky = recordingSink('flaky', 2);
    const pass = outboxPass({
      orm,
      logger,
      sinks: [steady, flaky],
      // Long enough that the next pass surely falls inside the backoff, even on a loaded machine.
      retryBaseMs: 1000,
      retryMaxMs: 1500,
      batchSize: 3,
    });

    while (await pass()); // the steady sink drains in batches of 3 while the flaky one fails
    expect(steady.received.map((message) => `${message.key}:${message.payload.status}`)).toEqual([
      'ORD-000001:VERIFIED',
      'ORD-000002:VERIFIED',
      'ORD-000001:SCHEDULED',
      'ORD-000001:COMPLETE',
      'ORD-000002:SCHEDULED',
    ]);
    expect(flaky.received).toEqual([]);
    const callsAfterFailure = flaky.calls;
    await pass(); // still inside the backoff: not called again
    expect(flaky.calls).toBe(callsAfterFailure);

    const deadline = Date.now() + 10_000;
    while (flaky.received.length < 5 && Date.now() < deadline) {
      await pass();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(flaky.received.map((message) => message.id)).toEqual(steady.received.map((message) => message.id));
    expect(new Set(steady.received.map((message) => message.id)).size).toBe(5);

    const [row] = await orm.em
      .fork()
      .execute<{ n: string }[]>('select count(*) as n from orders.outbox_delivery');
    expect(Number(row!.n)).toBe(10);
    const again = recordingSink('steady');
    await outboxPass({ orm, logger, sinks: [again], retryBaseMs: 30, retryMaxMs: 100 })();
    expect(again.received).toEqual([]); // a new process does not resend what was acknowledged
  });

  it('tells a sink when another process delivered to it last, and only then', async () => {
    const resumed: string[] = [];
    const processSink = (process: string) => {
      const sink = recordingSink('handover');
      return Object.assign(sink, { resume: () => void resumed.push(process) });
    };
    const [x, y] = [processSink('x'), processSink('y')];
    const passOf = (sink: OutboxSink) =>
      outboxPass({ orm, logger, sinks: [sink], retryBaseMs: 30, retryMaxMs: 100, batchSize: 1 });
    const [passX, passY] = [passOf(x), passOf(y)];
    const next = async (status: OrderStatusChangedPayload['status']) =>
      orm.em.fork().transactional((tx) => appendOutboxMessage(tx, payload('ORD-000009', status)));

    await next('VERIFIED');
    while (await passX()); // the first delivery of this sink anywhere (earlier tests' messages too)
    await next('SCHEDULED');
    await passX(); // x delivered last: nothing to forget
    await next('COMPLETE');
    await passY(); // y takes over from x
    await next('COMPLETE');
    await passX(); // and x from y
    expect(resumed).toEqual(['x', 'y', 'x']);
    expect(y.received.map((message) => message.payload.status)).toEqual(['COMPLETE']);
    expect(x.received.slice(-3).map((message) => message.payload.status)).toEqual([
      'VERIFIED',
      'SCHEDULED',
      'COMPLETE',
    ]);
  });
});
