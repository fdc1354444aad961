import { exponential, type Agenda } from 'agenda';
import { ObjectId } from 'mongodb';
import type { ProductionScheduler, ProductionService } from '../production/production.service.ts';
import type { WebhookService } from '../webhooks/webhook.service.ts';

export const JOBS = {
  start: 'production:start',
  complete: 'production:complete',
  deliver: 'webhook:deliver',
  sweep: 'factory:sweep',
} as const;

interface ById {
  productionOrderId: string;
}

/** Agenda as the production scheduler: one-off jobs, removed once done so the queue stays small. */
export function agendaScheduler(
  agenda: Agenda,
): ProductionScheduler & { startSoon(id: ObjectId): Promise<void> } {
  const at = async (name: string, id: ObjectId, when: Date) => {
    await agenda.schedule<ById>(when, name, { productionOrderId: id.toHexString() });
  };
  return {
    startSoon: (id) => at(JOBS.start, id, new Date()),
    completeAt: (id, when) => at(JOBS.complete, id, when),
    deliverAt: (id, when) => at(JOBS.deliver, id, when),
  };
}

/**
 * The factory's jobs. A job may run twice (Agenda is at-least-once), so each
 * one only calls guarded, repeatable service steps. Transient failures
 * (database hiccups) are retried by Agenda with exponential backoff and jitter.
 */
export function registerJobs(
  agenda: Agenda,
  deps: { production: ProductionService; webhooks: WebhookService; concurrency: number },
): void {
  const options = {
    concurrency: deps.concurrency,
    removeOnComplete: true,
    backoff: exponential({ delay: 500, maxDelay: 30_000, maxRetries: 8, jitter: 0.5 }),
  };
  const id = (data: ById) => new ObjectId(data.productionOrderId);
  const scheduler = agendaScheduler(agenda);
  agenda.define<ById>(
    JOBS.start,
    async (job) => void (await deps.production.start(id(job.attrs.data))),
    options,
  );
  agenda.define<ById>(JOBS.complete, async (job) => deps.production.complete(id(job.attrs.data)), options);
  agenda.define<ById>(
    JOBS.deliver,
    async (job) => {
      const result = await deps.webhooks.deliver(id(job.attrs.data));
      if (result.retryAt) await scheduler.deliverAt(id(job.attrs.data), result.retryAt);
    },
    options,
  );
  agenda.define(JOBS.sweep, async () => deps.production.sweep(), {
    concurrency: 1,
    backoff: options.backoff,
  });
}
