import { inLinkedSpans } from '#kit/telemetry/trace-context.ts';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { backoffDelay } from '#kit/backoff.ts';
import type { OutboxSink } from './outbox-message.ts';
import { advanceLowWater, markDelivered, takeUndeliveredMessages } from './outbox.repository.ts';
import { createSinkLocks, type SinkLocks } from './sink-lock.ts';

const LOW_WATER_EVERY_MS = 1000;

export interface OutboxDispatcherDeps {
  orm: MikroORM;
  sinks: readonly OutboxSink[];
  /** Per-sink locks held on their own connections; by default a small pool on the ORM's database. */
  locks?: SinkLocks;
  logger: Logger;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize?: number;
}

/**
 * One pass over every sink: under the sink's lock, read its oldest
 * unacknowledged messages in id order, deliver them with no transaction
 * open (a Sheets sink backing off can take minutes), then record the
 * acknowledgement. A crash between delivery and acknowledgement means the
 * batch is delivered again (at least once; sinks are idempotent). A sink
 * that throws keeps its batch and is retried after a growing delay, without
 * holding back the other sinks. Returns true when any batch was full.
 */
export function outboxPass(deps: OutboxDispatcherDeps) {
  const batchSize = deps.batchSize ?? 500;
  const failures = new Map<string, { attempts: number; retryAt: number }>();
  const holder = randomUUID();
  // When each sink's low-water mark was last moved up (at most every LOW_WATER_EVERY_MS: it scans the recent window).
  const lowWaterAt = new Map<string, number>();
  const maybeAdvanceLowWater = async (sink: string) => {
    if (Date.now() - (lowWaterAt.get(sink) ?? 0) < LOW_WATER_EVERY_MS) return;
    lowWaterAt.set(sink, Date.now());
    await advanceLowWater(deps.orm.em.fork(), sink);
  };
  const locks =
    deps.locks ?? createSinkLocks(deps.orm.config.get('clientUrl')!, deps.logger, deps.sinks.length);

  const deliverTo = async (sink: OutboxSink): Promise<boolean> => {
    const failure = failures.get(sink.name);
    if (failure && Date.now() < failure.retryAt) return false;
    const lock = await locks.tryLock(sink.name);
    if (!lock) return false;
    try {
      const { messages, takenOver } = await takeUndeliveredMessages(
        deps.orm.em.fork(),
        sink.name,
        holder,
        batchSize,
      );
      if (messages.length === 0) {
        await maybeAdvanceLowWater(sink.name);
        return false;
      }
      try {
        if (takenOver) sink.resume?.();
        await inLinkedSpans(
          'orders.outbox.deliver',
          'order.outbox_delivered',
          messages.map((message) => ({
            traceparent: message.payload.traceparent,
            attributes: { 'order.status': message.payload.status },
          })),
          () => sink.deliver(messages),
          { 'outbox.sink': sink.name },
        );
      } catch (error) {
        const attempts = (failure?.attempts ?? 0) + 1;
        const delay = backoffDelay(attempts - 1, {
          baseMs: deps.retryBaseMs,
          maxMs: deps.retryMaxMs,
          jitter: 'equal',
        });
        failures.set(sink.name, { attempts, retryAt: Date.now() + delay });
        deps.logger.warn(
          { err: error, sink: sink.name, attempts, delay },
          'outbox delivery failed; will retry',
        );
        return false;
      }
      failures.delete(sink.name);
      await markDelivered(deps.orm.em.fork(), sink.name, messages);
      await maybeAdvanceLowWater(sink.name);
      return messages.length === batchSize;
    } finally {
      await lock.release();
    }
  };

  return async (): Promise<boolean> => {
    const full = await Promise.all(deps.sinks.map((sink) => deliverTo(sink)));
    return full.some(Boolean);
  };
}
