import pg from 'pg';
import type { Logger } from '#kit/logger.ts';

/** A held per-sink lock; release() is safe to call after the connection died. */
export interface SinkLock {
  release(): Promise<void>;
}

export interface SinkLocks {
  tryLock(sink: string): Promise<SinkLock | null>;
  close(): Promise<void>;
}

/**
 * Session-level advisory locks, one per sink, each on a connection of its
 * own that runs no transaction: only one process delivers to a sink at a
 * time (so it gets messages in id order) while no transaction or row lock
 * stays open during a slow delivery. A process that dies loses its
 * connection and with it the lock, so another one redelivers the batch.
 */
export function createSinkLocks(databaseUrl: string, logger: Logger, maxSinks = 8): SinkLocks {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: Math.max(1, maxSinks),
    allowExitOnIdle: true,
  });
  // A lock connection killed by the server (restart, pg_terminate_backend) must not crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'outbox lock connection lost'));
  return {
    async tryLock(sink) {
      const client = await pool.connect();
      // A checked-out client has no pool listener: without this, losing its connection would throw,
      // even between the lock query's answer and our next line (a kill right after the grant).
      const onError = (error: Error) => logger.warn({ err: error, sink }, 'outbox lock connection lost');
      client.on('error', onError);
      // Back to the pool, which drops a client whose connection died (or that is given an error).
      const giveBack = (error?: Error) => {
        client.off('error', onError);
        client.release(error);
      };
      const key = `orders-outbox:${sink}`;
      let locked = false;
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'select pg_try_advisory_lock(hashtext($1)) as locked',
          [key],
        );
        locked = rows[0]?.locked === true;
      } finally {
        if (!locked) giveBack();
      }
      if (!locked) return null;
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          try {
            await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
            giveBack();
          } catch (error) {
            // The connection is gone, and the lock with it: drop the client rather than reuse it.
            giveBack(error as Error);
          }
        },
      };
    },
    close: () => pool.end(),
  };
}
