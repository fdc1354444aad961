/**
 * An async iterator fed from outside, for one client of a shared upstream
 * subscription. Unlike an async generator, `return()` takes effect at once
 * even while a `next()` is pending, so a client leaving is noticed at once.
 */
export interface PushIterator<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  end(): void;
}

export function createPushIterator<T>(onReturn: () => void): PushIterator<T> {
  const buffer: T[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    buffer.length = 0;
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
  };

  const iterator: PushIterator<T> = {
    push(value) {
      if (done) return;
      const resolve = waiting.shift();
      if (resolve) resolve({ value, done: false });
      else buffer.push(value);
    },
    end() {
      // Deliver what is buffered first, then finish.
      if (buffer.length === 0) finish();
      else done = true;
    },
    next() {
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return() {
      finish();
      onReturn();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
