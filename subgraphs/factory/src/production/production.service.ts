import { recordSpan } from '#kit/telemetry/trace-context.ts';
import type { ObjectId } from 'mongodb';
import { scaledMs } from '#kit/sim-time.ts';
import type { Logger } from '#kit/logger.ts';
import { webhookIdFor } from './production-order.ts';
import type { ProductionOrderRepository } from './production-order.repository.ts';
import type { ProductionLinesRepository } from './production-lines.repository.ts';
import type { Mutex } from './mutex.ts';
import { ProductionQueue } from './production-queue.ts';

/** What production asks of the job queue (Agenda), so this file knows no Agenda. */
export interface ProductionScheduler {
  completeAt(id: ObjectId, at: Date): Promise<void>;
  deliverAt(id: ObjectId, at: Date): Promise<void>;
  /** A first delivery attempt right away, not awaited; retries and crashes fall back to deliverAt and the sweep. */
  deliverNow(id: ObjectId): void;
}

/**
 * Moves production orders QUEUED → IN_PRODUCTION → COMPLETED. Every step is
 * a guarded single-document update and safe to repeat, because Agenda may run
 * a job again after a crash.
 */
export class ProductionService {
  private readonly orders: ProductionOrderRepository;
  private readonly lines: ProductionLinesRepository;
  private readonly scheduler: ProductionScheduler;
  private readonly timeScale: number;
  private readonly logger: Logger;
  private readonly exclusive: Mutex;
  private dispatching: Promise<void> = Promise.resolve();
  private readonly queue = new ProductionQueue();

  constructor(deps: {
    orders: ProductionOrderRepository;
    lines: ProductionLinesRepository;
    scheduler: ProductionScheduler;
    timeScale: number;
    logger: Logger;
    exclusive: Mutex;
  }) {
    this.exclusive = deps.exclusive;
    this.orders = deps.orders;
    this.lines = deps.lines;
    this.scheduler = deps.scheduler;
    this.timeScale = deps.timeScale;
    this.logger = deps.logger;
  }

  /** Starts the order on a free line; false when every line is busy (it stays QUEUED). */
  async start(id: ObjectId): Promise<boolean> {
    // Scheduling happens outside the mutex: with in-process notifications Agenda may run the
    // completion job inside schedule(), and that job needs the mutex too.
    const { started, dueAt } = await this.exclusive(() => this.transitionToProduction(id));
    if (dueAt) await this.scheduler.completeAt(id, dueAt);
    return started;
  }

  private async transitionToProduction(id: ObjectId): Promise<{ started: boolean; dueAt?: Date }> {
    const order = await this.orders.findById(id);
    if (!order) return { started: true };
    // A start that crashed before scheduling its completion: schedule it (again; completion is guarded).
    if (order.status === 'IN_PRODUCTION') return { started: true, dueAt: order.dueAt ?? new Date() };
    if (order.status !== 'QUEUED') return { started: true };
    const now = new Date();
    const claim = await this.lines.claim(id, now);
    if (claim === null) return { started: false };
    const { line, fresh } = claim;
    const dueAt = new Date(now.getTime() + scaledMs(order.productionSeconds, this.timeScale));
    const started = await this.orders.collection.findOneAndUpdate(
      { _id: id, status: 'QUEUED' },
      { $set: { status: 'IN_PRODUCTION', startedAt: now, dueAt, productionLine: line } },
      { returnDocument: 'after' },
    );
    if (!started) {
      if (fresh) await this.lines.release(id, line); // someone else started it first
      return { started: true };
    }
    return { started: true, dueAt };
  }

  /** Completes once: the status change and the webhook it owes are one update; the line is freed with it. */
  async complete(id: ObjectId): Promise<void> {
    const now = new Date();
    const order = await this.exclusive(async () => {
      const done = await this.orders.collection.findOneAndUpdate(
        { _id: id, status: 'IN_PRODUCTION' },
        {
          $set: {
            status: 'COMPLETED',
            completedAt: now,
            productionLine: null,
            webhook: {
              webhookId: webhookIdFor({ _id: id }),
              state: 'PENDING',
              attempts: 0,
              lastError: null,
              nextAttemptAt: now,
              deliveredAt: null,
            },
          },
        },
        { returnDocument: 'after' },
      );
      // Production as a span of the order's trace, from start to completion (when traced).
      if (done?.startedAt)
        recordSpan('factory.production', done.traceparent, done.startedAt, now, {
          'production_order.id': String(id),
        });
      // A repeated job finds it COMPLETED already: it only makes sure the line is free.
      const current = done ?? (await this.orders.findById(id));
      if (current?.status === 'COMPLETED') await this.lines.release(id);
      return current;
    });
    // The next queued order starts now, not at the next poll (not awaited: this job is done).
    void this.dispatch();
    // Also after a crash between completing and delivering: the delivery takes a lease, so never twice at once.
    if (order?.status === 'COMPLETED' && order.webhook?.state === 'PENDING') this.scheduler.deliverNow(id);
  }

  /**
   * Fills free lines with the oldest queued orders (after queueing `added`, orders just stored);
   * one pass at a time in this process.
   */
  dispatch(added: readonly { _id: ObjectId }[] = []): Promise<void> {
    this.queue.add(added.map((doc) => doc._id));
    const pass = this.dispatching.then(async () => {
      for (let next = this.queue.peek(); next; next = this.queue.peek()) {
        if (!(await this.start(next))) return; // every line busy: it stays at the head
        this.queue.shift();
      }
    });
    // A failed pass must not poison the chain (nor go unhandled); the next dispatch or sweep tries again.
    this.dispatching = pass.catch((error: unknown) => this.logger.error({ err: error }, 'dispatch failed'));
    return this.dispatching;
  }

  /** Resolves once no dispatch pass is running or chained (on shutdown). */
  settled(): Promise<void> {
    return this.dispatching;
  }

  /**
   * Repairs what a crash can leave behind: lines held by orders not in
   * production on them, overdue completions, webhooks whose attempt is due,
   * queued orders with free lines.
   */
  async sweep(now = new Date()): Promise<void> {
    for (const line of await this.lines.held()) {
      const order = line.productionOrderId ? await this.orders.findById(line.productionOrderId) : null;
      if (order?.status === 'QUEUED') await this.start(order._id);
      else if (order?.status !== 'IN_PRODUCTION')
        await this.exclusive(() => this.lines.release(line.productionOrderId!, line._id));
    }
    for (const order of await this.orders.overdue(new Date(now.getTime() - 1000))) {
      await this.scheduler.completeAt(order._id, now);
    }
    for (const order of await this.orders.dueWebhooks(now)) await this.scheduler.deliverAt(order._id, now);
    // The queue is rebuilt from what is stored (at start), and anything it lacks is added back.
    await this.dispatch(await this.orders.queued());
  }
}
