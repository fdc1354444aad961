import { backoffDelay } from '#kit/backoff.ts';
import pg from 'pg';
import type { Logger } from '#kit/logger.ts';
import { sleep } from '#kit/sim-time.ts';
import { ORDER_UPDATED_CHANNEL, parseNotification } from '../order/order-notification.ts';
import { fromSnapshot } from '../order/order-snapshot.ts';
import type { Order } from '../order/order.entity.ts';
import { createHistoryAtChange, type AnnouncedOrder } from './history-at-change.ts';
import { createOrderListeners } from './order-listeners.ts';

// The writer side (one NOTIFY per batch, an array of snapshots) is order/order.repository.ts.
export { ORDER_UPDATED_CHANNEL };

export interface OrderUpdates {
  /** Every committed change, or only those of one order, as an async iterator graphql-ws can close. */
  subscribe(number?: string | null): AsyncIterableIterator<AnnouncedOrder>;
  /** How many subscribers follow one order (`null`: every order) in this process. */
  subscribers(number: string | null): number;
  close(): Promise<void>;
}

/** How far before a lost connection to look for changes: an event's time is taken before its commit. */
const MISSED_MARGIN_MS = 30_000;

export interface ListenOptions {
  /** The orders changed since a time, re-sent after a reconnect so no change is missed while deaf. */
  changedSince?: (since: Date) => Promise<Order[]>;
}

/**
 * One LISTEN connection per process fanning out to its subscribers (indexed
 * by order number, order-listeners.ts). When
 * the connection drops it reconnects with backoff, LISTENs again, then
 * re-sends the current state of every order changed around the outage
 * (a subscriber may see a state twice, never miss one).
 */
export async function listenForOrderUpdates(
  databaseUrl: string,
  logger: Logger,
  options: ListenOptions = {},
): Promise<OrderUpdates> {
  const listeners = createOrderListeners<AnnouncedOrder>();
  const histories = createHistoryAtChange();
  let client: pg.Client | undefined;
  let closed = false;
  let lostAt: Date | undefined;

  const catchUp = async () => {
    if (!lostAt || !options.changedSince) return;
    const since = new Date(lostAt.getTime() - MISSED_MARGIN_MS);
    lostAt = undefined;
    try {
      for (const order of await options.changedSince(since)) listeners.publish(order);
    } catch (error) {
      logger.warn({ err: error }, 'cannot re-read orders changed while the listener was down');
    }
  };

  const connect = async (): Promise<void> => {
    for (let attempt = 0; !closed; attempt++) {
      const candidate = new pg.Client({ connectionString: databaseUrl });
      try {
        await candidate.connect();
        candidate.on('notification', (message) => {
          if (message.channel !== ORDER_UPDATED_CHANNEL || !message.payload) return;
          // One NOTIFY carries a batch: an array of snapshots (order/order-notification.ts).
          for (const snapshot of parseNotification(message.payload)) {
            const historyAtChange = histories.historyOf(snapshot);
            listeners.publish({ ...fromSnapshot(snapshot), ...(historyAtChange ? { historyAtChange } : {}) });
          }
        });
        let lost = false;
        candidate.on('error', (error) => {
          if (lost || closed) return; // one reconnect per lost connection
          lost = true;
          lostAt ??= new Date();
          client = undefined;
          logger.warn({ err: error }, 'order updates listener lost its connection; reconnecting');
          void candidate.end().catch(() => {});
          void connect();
        });
        await candidate.query(`LISTEN ${ORDER_UPDATED_CHANNEL}`);
        client = candidate;
        // Listening again first, then re-reading: a change after the read comes by NOTIFY.
        await catchUp();
        return;
      } catch (error) {
        lostAt ??= new Date();
        await candidate.end().catch(() => {});
        logger.warn({ err: error, attempt }, 'cannot LISTEN for order updates yet');
        await sleep(backoffDelay(attempt, { baseMs: 100, maxMs: 5000, jitter: 'equal' }));
      }
    }
  };
  await connect();
  lostAt = undefined; // the first connection has nothing to catch up on

  return {
    subscribe(number) {
      return listeners.subscribe(number ?? null);
    },
    subscribers: (number) => listeners.count(number),
    async close() {
      closed = true;
      listeners.endAll();
      await client?.end().catch(() => {});
    },
  };
}
