import type { OrderEvent } from '../order/order-event.entity.ts';
import type { Order } from '../order/order.entity.ts';
import type { OrderSnapshot } from '../order/order-snapshot.ts';

/** A history entry as a subscriber is sent it. */
export type HistoryEntry = Pick<OrderEvent, 'status' | 'at' | 'note'>;

/** An order as one notification announced it, with its history as of that change when known. */
export type AnnouncedOrder = Order & { historyAtChange?: readonly HistoryEntry[] };

/**
 * Each order's history as of each change, kept from the notifications themselves: a placement
 * (version 1) starts it, and a change of version v adds its event to the history of version v - 1.
 * Every change adds one event and one version, so a subscriber gets the history its event announces
 * without a read per event (a read made later could already show the next change). Where the chain
 * is broken (this process missed a notification, or started after the order was placed) the answer
 * is undefined and the history is read. Bounded: the orders heard of longest ago are forgotten first.
 */
export function createHistoryAtChange(maxOrders = 10_000) {
  const known = new Map<number, { version: number; history: readonly HistoryEntry[] }>();
  return {
    historyOf(snapshot: OrderSnapshot): readonly HistoryEntry[] | undefined {
      const id = Number(snapshot.id);
      const before = known.get(id);
      known.delete(id);
      if (!snapshot.event) return undefined; // a re-read after an outage: no event of its own
      const entry: HistoryEntry = {
        status: snapshot.status,
        at: new Date(snapshot.event.at),
        note: snapshot.event.note,
      };
      const history =
        snapshot.version === 1
          ? [entry]
          : before?.version === snapshot.version - 1
            ? [...before.history, entry]
            : undefined;
      if (!history) return undefined;
      known.set(id, { version: snapshot.version, history });
      if (known.size > maxOrders) known.delete(known.keys().next().value!);
      return history;
    },
    get size() {
      return known.size;
    },
  };
}
