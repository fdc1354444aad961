import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { backoffMs } from '../jobs/job-loop.ts';
import type { OutboxSink } from './outbox-message.ts';
import { markDelivered, tryLockSink, undeliveredMessages } from './outbox.repository.ts';

export interface OutboxDispatcherDeps {
  orm: MikroORM;
  sinks: readonly OutboxSink[];
  logger: Logger;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize?: number;
}

/**
 * One pass over every sink: under the sink's advisory lock, hand it its
 * oldest unacknowledged messages in id order and record the acknowledgement.
 * A sink that throws keeps its batch and is retried after a growing delay,
 * without holding back the other sinks. Returns true when any batch was full.
 */
export function outboxPass(deps: OutboxDispatcherDeps) {
  const batchSize = deps.batchSize ?? 100;
  const failures = new Map<string, { attempts: number; retryAt: number }>();

  const deliverTo = async (sink: OutboxSink): Promise<boolean> => {
    const failure = failures.get(sink.name);
    if (failure && Date.now() < failure.retryAt) return false;
    return deps.orm.em.fork().transactional(async (tx) => {
      if (!(await tryLockSink(tx, sink.name))) return false;
      const messages = await undeliveredMessages(tx, sink.name, batchSize);
      if (messages.length === 0) return false;
      try {
        await sink.deliver(messages);
      } catch (error) {
        const attempts = (failure?.attempts ?? 0) + 1;
        const delay = backoffMs(attempts - 1, deps.retryBaseMs, deps.retryMaxMs);
        failures.set(sink.name, { attempts, retryAt: Date.now() + delay });
        deps.logger.warn(
          { err: error, sink: sink.name, attempts, delay },
          'outbox delivery failed; will retry',
        );
        return false;
      }
      failures.delete(sink.name);
      await markDelivered(tx, sink.name, messages);
      return messages.length === batchSize;
    });
  };

  return async (): Promise<boolean> => {
    const full = await Promise.all(deps.sinks.map((sink) => deliverTo(sink)));
    return full.some(Boolean);
  };
}
