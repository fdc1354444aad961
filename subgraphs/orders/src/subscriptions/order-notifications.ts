import { EventEmitter, on } from 'node:events';
import pg from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { sleep } from '#kit/sim-time.ts';
import { fromSnapshot, toSnapshot, type OrderSnapshot } from '../order/order-snapshot.ts';
import type { Order } from '../order/order.entity.ts';

export const ORDER_UPDATED_CHANNEL = 'orders_order_updated';

/**
 * Queues a notification inside the caller's transaction: PostgreSQL delivers
 * NOTIFY only at commit (and drops it on rollback), in commit order, to every
 * listening process, so subscribers never see a change that did not happen.
 */
export async function notifyOrderUpdated(tx: EntityManager, order: Order): Promise<void> {
  await tx.execute('select pg_notify(?, ?)', [ORDER_UPDATED_CHANNEL, JSON.stringify(toSnapshot(order))]);
}

export interface OrderUpdates {
  /** Every committed change, or only those of one order, as an async iterator graphql-ws can close. */
  subscribe(number?: string | null): AsyncIterableIterator<Order>;
  close(): Promise<void>;
}

/** One LISTEN connection per process fanning out to its subscribers; reconnects with backoff. */
export async function listenForOrderUpdates(databaseUrl: string, logger: Logger): Promise<OrderUpdates> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  let closed = false;

  const connect = async (): Promise<void> => {
    for (let attempt = 0; !closed; attempt++) {
      const candidate = new pg.Client({ connectionString: databaseUrl });
      try {
        await candidate.connect();
        candidate.on('notification', (message) => {
          if (message.channel !== ORDER_UPDATED_CHANNEL || !message.payload) return;
          emitter.emit('order', fromSnapshot(JSON.parse(message.payload) as OrderSnapshot));
        });
        candidate.on('error', (error) => {
          logger.warn({ err: error }, 'order updates listener lost its connection; reconnecting');
          void candidate.end().catch(() => {});
          if (!closed) void connect();
        });
        await candidate.query(`LISTEN ${ORDER_UPDATED_CHANNEL}`);
        client = candidate;
        return;
      } catch (error) {
        await candidate.end().catch(() => {});
        logger.warn({ err: error, attempt }, 'cannot LISTEN for order updates yet');
        await sleep(Math.min(100 * 2 ** attempt, 5000));
      }
    }
  };
  await connect();

  return {
    subscribe(number) {
      const controller = new AbortController();
      const events = on(emitter, 'order', { signal: controller.signal });
      const iterator: AsyncIterableIterator<Order> = {
        async next() {
          for (;;) {
            const step = await events.next().catch((error: unknown) => {
              if ((error as Error).name === 'AbortError') return { done: true as const, value: undefined };
              throw error;
            });
            if (step.done) return { done: true, value: undefined };
            const order = (step.value as [Order])[0];
            if (!number || order.number === number) return { done: false, value: order };
          }
        },
        async return() {
          controller.abort();
          return { done: true, value: undefined };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      await client?.end().catch(() => {});
    },
  };
}
