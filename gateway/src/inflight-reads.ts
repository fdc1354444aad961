/**
 * Identical reads in flight at the same time share one subgraph fetch, as
 * Hive Gateway and Apollo Router do: a burst of the same page becomes one
 * request. The key includes the caller's identity, so nobody ever receives
 * an answer fetched for someone else; mutations never come here.
 */
export type InflightReads = <T extends object>(key: string, load: () => Promise<T>) => Promise<T>;

export function createInflightReads(): InflightReads {
  const inflight = new Map<string, Promise<object>>();
  return async <T extends object>(key: string, load: () => Promise<T>) => {
    let pending = inflight.get(key) as Promise<T> | undefined;
    const first = !pending;
    if (!pending) {
      pending = load().finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const response = await pending;
    // The executor merges into what it receives; a waiter gets its own copy of the data.
    return first ? response : copyOf(response);
  };
}

function copyOf<T extends object>(response: T): T {
  const { http, ...body } = response as T & { http?: unknown };
  return { ...structuredClone(body), ...(http === undefined ? {} : { http }) } as T;
}
