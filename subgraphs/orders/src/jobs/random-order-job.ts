import type { Agenda, Job } from 'agenda';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import { placeOrder, type PlacementWriter } from '../order/place-order.ts';
import type { RandomOrderJobData, RandomOrderSchedule } from '../random-orders/random-order-schedule.ts';
import { randomLines } from '../random-orders/random-order.ts';
import { JOBS } from './job-names.ts';

export interface RandomOrderJobDeps {
  orm: MikroORM;
  customers: CustomerLookup;
  placements: PlacementWriter;
  logger: Logger;
  schedule: RandomOrderSchedule;
  /** Called after an order is placed, to schedule it without waiting for the next poll. */
  onPlaced?: () => void;
}

type RandomOrderJob = Pick<Job<RandomOrderJobData>, 'attrs'>;

/**
 * The idempotency key of one occurrence. Agenda overwrites nextRunAt and
 * lastRunAt before the handler runs, but lastFinishedAt (the previous
 * successful run) and the settings revision are still what the lock read,
 * so two workers that locked the same occurrence (FerretDB 1.24's guarded
 * updates are not atomic), or a re-run after a worker died mid-job, share
 * the key, and placeOrder returns the first order for the second.
 */
export function occurrenceKey(job: RandomOrderJob): string {
  const previous = job.attrs.lastFinishedAt ? new Date(job.attrs.lastFinishedAt).toISOString() : 'first';
  return `random-order:${String(job.attrs._id)}:${job.attrs.data.revision}:${previous}`;
}

/**
 * True when setRandomOrders changed the settings since this occurrence was
 * locked. Agenda saves the nextRunAt it computed from the old interval after
 * the run; this puts the new schedule's nextRunAt there instead.
 */
async function settingsChanged(deps: RandomOrderJobDeps, job: RandomOrderJob): Promise<boolean> {
  const stored = await deps.schedule.stored();
  if (stored?.revision === job.attrs.data.revision) return false;
  job.attrs.nextRunAt = stored?.nextRunAt ?? null;
  return true;
}

export async function placeRandomOrder(deps: RandomOrderJobDeps, job: RandomOrderJob): Promise<void> {
  if (await settingsChanged(deps, job)) return;
  await placeOne(deps, job);
  // Checked again: the settings may have changed while the order was being placed.
  await settingsChanged(deps, job);
}

/** One occurrence: an AUTOMATED order for a random active customer, through placeOrder. */
async function placeOne(deps: RandomOrderJobDeps, job: RandomOrderJob): Promise<void> {
  const customerIds = await deps.customers.listActiveCustomerIds(100);
  if (customerIds.length === 0) {
    deps.logger.info('no active customer: random order skipped');
    return;
  }
  const customerId = customerIds[Math.floor(Math.random() * customerIds.length)]!;
  const { customers, placements } = deps;
  const order = await placeOrder(
    { em: () => deps.orm.em.fork(), customers, placements },
    {
      customerId,
      lines: randomLines(),
      source: 'AUTOMATED',
      clientRequestId: occurrenceKey(job),
    },
  );
  deps.logger.info({ order: order.number }, 'random order placed');
  deps.onPlaced?.();
}

/**
 * The orders service's Agenda jobs. No retry backoff for random orders: a
 * failed occurrence is logged and the next one comes at the usual interval.
 */
export function registerJobs(agenda: Agenda, deps: RandomOrderJobDeps): void {
  agenda.define<RandomOrderJobData>(JOBS.randomOrder, (job) => placeRandomOrder(deps, job), {
    concurrency: 1,
  });
}
