import { exponential, type Agenda } from 'agenda';
import { ObjectId } from 'mongodb';
import type { ProductionScheduler, ProductionService } from '../production/production.service.ts';
import type { Logger } from '#kit/logger.ts';
import type { WebhookService } from '../webhooks/webhook.service.ts';

export const JOBS = {
  complete: 'production:complete',
  deliver: 'webhook:deliver',
  sweep: 'factory:sweep',
} as const;

interface ById {
  productionOrderId: string;
}

export type FactoryScheduler = ReturnType<typeof agendaScheduler>;

/**
 * Agenda as the production scheduler: one-off jobs, removed once done so the
 * queue stays small. A completion's first webhook attempt runs at once in this
 * process (no job round trips); only retries become jobs. If the process dies
 * mid-attempt, the stored PENDING webhook is picked up by the sweep.
 */
export function agendaScheduler(agenda: Agenda, webhooks: WebhookService, logger: Logger) {
  const at = async (name: string, id: ObjectId, when: Date) => {
    await agenda.schedule<ById>(when, name, { productionOrderId: id.toHexString() });
  };
  const deliverAt = (id: ObjectId, when: Date) => at(JOBS.deliver, id, when);
  const deliverAndRetry = async (id: ObjectId) => {
    const result = await webhooks.deliver(id);
    if (result.retryAt) await deliverAt(id, result.retryAt);
  };
  const inFlight = new Set<Promise<void>>();
  return {
    completeAt: (id: ObjectId, when: Date) => at(JOBS.complete, id, when),
    deliverAt,
    deliverAndRetry,
    deliverNow: (id: ObjectId) => {
      const attempt: Promise<void> = deliverAndRetry(id)
        .catch((error: unknown) => logger.warn({ err: error }, 'webhook attempt failed; the sweep retries'))
        .finally(() => inFlight.delete(attempt));
      inFlight.add(attempt);
    },
    /** Waits for attempts under way (on shutdown). */
    settled: async () => void (await Promise.all(inFlight)),
  } satisfies ProductionScheduler & Record<string, unknown>;
}

/**
 * The factory's jobs. A job may run twice (Agenda is at-least-once), so each
 * one only calls guarded, repeatable service steps. Transient failures
 * (database hiccups) are retried by Agenda with exponential backoff and jitter.
 */
export function registerJobs(
  agenda: Agenda,
  deps: { production: ProductionService; scheduler: FactoryScheduler; concurrency: number },
): void {
  const options = {
    concurrency: deps.concurrency,
    removeOnComplete: true,
    backoff: exponential({ delay: 500, maxDelay: 30_000, maxRetries: 8, jitter: 0.5 }),
  };
  const id = (data: ById) => new ObjectId(data.productionOrderId);
  agenda.define<ById>(JOBS.complete, async (job) => deps.production.complete(id(job.attrs.data)), options);
  agenda.define<ById>(
    JOBS.deliver,
    async (job) => deps.scheduler.deliverAndRetry(id(job.attrs.data)),
    options,
  );
  agenda.define(JOBS.sweep, async () => deps.production.sweep(), {
    concurrency: 1,
    backoff: options.backoff,
  });
}
