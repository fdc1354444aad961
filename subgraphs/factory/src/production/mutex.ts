/**
 * Runs tasks one at a time. FerretDB 1.24 (SQLite and PostgreSQL backends)
 * does not apply a guarded findOneAndUpdate/updateOne atomically: of 8
 * concurrent `{_id, owner: null} → owner = i` updates, 2 to 8 "win" (measured).
 * So every state transition of a factory runs through one mutex in the one
 * process that runs that factory.
 */
export type Mutex = <T>(task: () => Promise<T>) => Promise<T>;

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => {});
    return run;
  };
}
