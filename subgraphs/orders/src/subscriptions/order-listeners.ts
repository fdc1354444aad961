/** One subscriber's queue: the events it has not taken yet, and a waiting next() if any. */
interface Listener<T> {
  buffer: T[];
  waiting?: ((result: IteratorResult<T>) => void) | undefined;
  done: boolean;
}

/**
 * Subscribers indexed by the order they follow (`null`: every order), so an
 * event wakes only the iterators that want it: one map lookup per event, not
 * one wake-up per subscriber. Each subscriber is an async iterator graphql-ws
 * can close at once, even while a next() is pending.
 */
export function createOrderListeners<T extends { number: string }>() {
  const byNumber = new Map<string | null, Set<Listener<T>>>();

  const deliver = (listeners: Set<Listener<T>> | undefined, event: T) => {
    if (!listeners) return;
    for (const listener of listeners) {
      const resolve = listener.waiting;
      if (resolve) {
        listener.waiting = undefined;
        resolve({ done: false, value: event });
      } else listener.buffer.push(event);
    }
  };

  return {
    /** An event for every subscriber of all orders and of this order, in the order published. */
    publish(event: T) {
      deliver(byNumber.get(null), event);
      deliver(byNumber.get(event.number), event);
    },
    subscribe(number: string | null): AsyncIterableIterator<T> {
      const listener: Listener<T> = { buffer: [], done: false };
      let set = byNumber.get(number);
      if (!set) byNumber.set(number, (set = new Set()));
      set.add(listener);
      const finish = () => {
        if (listener.done) return;
        listener.done = true;
        listener.buffer.length = 0;
        set.delete(listener);
        if (set.size === 0 && byNumber.get(number) === set) byNumber.delete(number);
        listener.waiting?.({ done: true, value: undefined });
        listener.waiting = undefined;
      };
      const iterator: AsyncIterableIterator<T> = {
        next() {
          if (listener.buffer.length > 0)
            return Promise.resolve({ done: false, value: listener.buffer.shift()! });
          if (listener.done) return Promise.resolve({ done: true, value: undefined });
          return new Promise((resolve) => (listener.waiting = resolve));
        },
        return() {
          finish();
          return Promise.resolve({ done: true, value: undefined });
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    /** Ends every subscriber (the process is closing). */
    endAll() {
      for (const set of [...byNumber.values()])
        for (const listener of [...set]) {
          listener.done = true;
          set.delete(listener);
          listener.waiting?.({ done: true, value: undefined });
        }
      byNumber.clear();
    },
    /** How many subscribers follow `number` (`null`: all orders). */
    count(number: string | null) {
      return byNumber.get(number)?.size ?? 0;
    },
  };
}
