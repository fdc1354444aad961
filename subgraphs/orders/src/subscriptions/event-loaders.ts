import type { OrderLoaders } from '../order/order-loaders.ts';

/**
 * Loaders for subscriptions, shared by every one resolving in the same turn of the event loop. An
 * event reaches all of its subscribers in one turn (order-listeners.ts), so N subscriptions asking
 * for an order's history or lines read it once, not N times; the next turn (the next event) gets
 * fresh loaders, so nothing read for one event is served for a later one.
 */
export function loadersPerTurn(create: () => OrderLoaders): () => OrderLoaders {
  let current: OrderLoaders | undefined;
  return () => {
    if (!current) {
      current = create();
      setImmediate(() => (current = undefined));
    }
    return current;
  };
}
