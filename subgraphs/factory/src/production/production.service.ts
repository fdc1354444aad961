import { recordSpan } from '#kit/telemetry/trace-context.ts';
import { scaledMs } from '#kit/sim-time.ts';
import type { Logger } from '#kit/logger.ts';
import type { ProductionOrderDoc } from './production-order.ts';
import type { GroupCommit } from './group-commit.ts';

/** What production asks of the job queue (Agenda), so this file knows no Agenda: a durable wake-up at `at`. */
export interface ProductionScheduler {
  wakeAt(at: Date): void;
}

/** Where completed orders go: the webhook sender, which names each one's batch before it is stored. */
export interface CompletionSink {
  /** The webhook batch that will carry this completion (its id is written with the completion). */
  assign(doc: ProductionOrderDoc, now: Date): string;
  /** These completions are stored: their webhooks may go. */
  stored(docs: ProductionOrderDoc[]): void;
}

export interface ProductionDeps {
  lines: number;
  commit: GroupCommit;
  scheduler: ProductionScheduler;
  completed: CompletionSink;
  timeScale: number;
  logger: Logger;
}

/** Starts handled in one go before yielding, so a long queue at SIM_TIME_SCALE=0 does not hold the event loop. */
const STEPS_PER_TURN = 1000;

/**
 * The factory's live state, owned by this process (its lease guarantees one owner): the production
 * lines, the queue of QUEUED orders oldest first, and the due completions. Every change is written
 * through the group commit (by `_id`), in the order it happened; the state is rebuilt from MongoDB
 * at start (`restore`). No more than `lines` orders are ever in production: a line is taken in
 * memory, synchronously, and the start that takes it is stored after the completion that freed it.
 */
export class ProductionService {
  private readonly onLine: (ProductionOrderDoc | null)[];
  private readonly queue: ProductionOrderDoc[] = [];
  private head = 0;
  /** Ids queued or in production, so a repeated add is ignored. */
  private readonly live = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private stepping = false;
  private stopped = false;

  private readonly deps: ProductionDeps;

  constructor(deps: ProductionDeps) {
    this.deps = deps;
    this.onLine = Array.from({ length: deps.lines }, () => null);
  }

  /** Rebuilds the state from what is stored: orders in production keep their line and due time. */
  restore(docs: readonly ProductionOrderDoc[]): void {
    const overflow: ProductionOrderDoc[] = [];
    for (const doc of docs) {
      if (doc.status === 'IN_PRODUCTION') {
        const line = (doc.productionLine ?? 0) - 1;
        if (line >= 0 && line < this.onLine.length && !this.onLine[line]) this.onLine[line] = doc;
        else overflow.push(doc); // capacity lowered since: it finishes, holding no line
        this.live.add(doc._id.toHexString());
      }
    }
    // Orders left on lines that no longer exist complete when due, but take no line from the others.
    for (const doc of overflow) this.onLine.push(doc);
    this.add(docs.filter((doc) => doc.status === 'QUEUED'));
  }

  /** Queues orders just stored (or restored), oldest first, and fills free lines. */
  add(docs: readonly ProductionOrderDoc[]): void {
    for (const doc of docs) {
      const key = doc._id.toHexString();
      if (this.live.has(key) || doc.status !== 'QUEUED') continue;
      this.live.add(key);
      this.queue.push({ ...doc }); // our own copy: the caller may still be answering with the stored one
    }
    this.step();
  }

  /** Completes what is due and starts queued orders on free lines; also the Agenda job's entry. */
  step(): void {
    if (this.stepping || this.stopped) return;
    this.stepping = true;
    try {
      const done: ProductionOrderDoc[] = [];
      let steps = 0;
      for (let progress = true; progress && steps < STEPS_PER_TURN;) {
        progress = false;
        const now = new Date();
        for (const [index, doc] of this.onLine.entries()) {
          if (doc && doc.dueAt!.getTime() <= now.getTime()) {
            done.push(this.complete(doc, now));
            this.onLine[index] = null;
            progress = true;
          }
        }
        for (let line = 0; line < this.deps.lines && this.head < this.queue.length; line++) {
          if (this.onLine[line]) continue;
          this.onLine[line] = this.start(this.queue[this.head++]!, line + 1, now);
          progress = true;
          steps++;
        }
        this.compact();
      }
      while (this.onLine.length > this.deps.lines && !this.onLine.at(-1)) this.onLine.pop();
      if (done.length) this.deliverOnceStored(done);
      if (steps >= STEPS_PER_TURN) setImmediate(() => this.step());
      else this.arm();
    } finally {
      this.stepping = false;
    }
  }

  /** Stops starting and completing (on shutdown); what was decided is in the group commit. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  private start(doc: ProductionOrderDoc, line: number, now: Date): ProductionOrderDoc {
    const dueAt = new Date(now.getTime() + scaledMs(doc.productionSeconds, this.deps.timeScale));
    Object.assign(doc, { status: 'IN_PRODUCTION', startedAt: now, dueAt, productionLine: line });
    void this.deps.commit.set(doc._id, { status: doc.status, startedAt: now, dueAt, productionLine: line });
    if (dueAt.getTime() > now.getTime()) this.deps.scheduler.wakeAt(dueAt);
    return doc;
  }

  /** The completion and the webhook it owes (named by its batch) are one write. */
  private complete(doc: ProductionOrderDoc, now: Date): ProductionOrderDoc {
    const webhook = {
      webhookId: this.deps.completed.assign(doc, now),
      state: 'PENDING' as const,
      attempts: 0,
      lastError: null,
      nextAttemptAt: now,
      deliveredAt: null,
    };
    Object.assign(doc, { status: 'COMPLETED', completedAt: now, productionLine: null, webhook });
    void this.deps.commit.set(doc._id, {
      status: doc.status,
      completedAt: now,
      productionLine: null,
      webhook,
    });
    this.live.delete(doc._id.toHexString());
    // Production as a span of the order's trace, from start to completion (when traced).
    if (doc.startedAt)
      recordSpan('factory.production', doc.traceparent, doc.startedAt, now, {
        'production_order.id': `${doc.factory}:${doc._id.toHexString()}`,
      });
    return doc;
  }

  /** A webhook never announces a completion that a crash could still undo. */
  private deliverOnceStored(done: ProductionOrderDoc[]) {
    this.deps.commit.set(done[0]!._id, {}).then(
      () => this.deps.completed.stored(done),
      (error: unknown) => this.deps.logger.error({ err: error }, 'completion not stored'),
    );
  }

  /** One timer, for the earliest due completion. */
  private arm() {
    let next = Infinity;
    for (const doc of this.onLine) if (doc) next = Math.min(next, doc.dueAt!.getTime());
    if (next === this.timerAt && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = next;
    if (next === Infinity || this.stopped) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.step();
      },
      Math.max(0, next - Date.now()),
    );
  }

  private compact() {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
