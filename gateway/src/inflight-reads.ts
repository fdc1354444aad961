/**
 * Identical reads in flight at the same time share one subgraph fetch, as
 * Hive Gateway and Apollo Router do: a burst of the same page becomes one
 * request. The key includes the caller's identity, so nobody ever receives
 * an answer fetched for someone else; mutations never come here. What is
 * shared is the answer as received (its text): each caller parses its own.
 */
export type InflightReads = <T>(key: string, load: () => Promise<T>) => Promise<T>;

export function createInflightReads(): InflightReads {
  const inflight = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>) => {
    let pending = inflight.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load().finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };
}
