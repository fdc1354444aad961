import type { Agenda } from 'agenda';
import type { Logger } from '#kit/logger.ts';
import type { ProductionScheduler, ProductionService } from '../production/production.service.ts';

export const JOBS = {
  /** Wakes production when the completions of one due-time bucket are due. */
  due: 'production:due',
  /** Jobs of earlier versions (one per production order, a periodic sweep): removed at start. */
  retired: ['production:complete', 'webhook:deliver', 'factory:sweep'],
} as const;

/** One Agenda job per bucket of due times, not one per production order. */
const BUCKET_MS = 1000;

/**
 * Agenda as production's durable timer: a one-off job for each bucket of due completions (created
 * with the first order due in it), removed once run. The process completes orders on time from its
 * own timer; the job is what wakes a factory whose timer died with its process (and the restart
 * rebuilds the state from MongoDB anyway), so a job that finds nothing due does nothing.
 */
export function agendaScheduler(agenda: Agenda, logger: Logger): ProductionScheduler {
  const scheduled = new Set<number>();
  return {
    wakeAt: (at) => {
      const bucket = Math.ceil(at.getTime() / BUCKET_MS) * BUCKET_MS;
      if (scheduled.has(bucket)) return;
      scheduled.add(bucket);
      // Forget buckets long past, so the set stays small.
      for (const old of scheduled) if (old < Date.now() - 60_000) scheduled.delete(old);
      agenda
        .schedule(new Date(bucket), JOBS.due, { bucket })
        .catch((error: unknown) => logger.warn({ err: error, bucket }, 'production timer not saved'));
    },
  };
}

/** The factory's jobs. A job may run twice (Agenda is at-least-once): waking production twice is harmless. */
export async function registerJobs(agenda: Agenda, deps: { production: ProductionService }): Promise<void> {
  agenda.define(JOBS.due, async () => deps.production.step(), { concurrency: 1, removeOnComplete: true });
  await agenda.cancel({ names: [...JOBS.retired] });
}
