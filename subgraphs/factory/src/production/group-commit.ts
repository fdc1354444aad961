import type { ObjectId } from 'mongodb';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import type { ProductionOrderDoc } from './production-order.ts';
import type { ProductionOrderUpdate } from './production-order.repository.ts';

const MAX_PER_WRITE = 500;

/**
 * The factory's writes to its production orders, gathered for a few milliseconds and applied as one
 * ordered `bulkWrite` of `_id`-keyed updates. Two writes to one order before a flush become one
 * (its fields merged), kept at the place of the first, so what is stored is always a prefix of what
 * happened: a line's completion is never stored after the start it made room for. A failed write
 * is retried (its updates go before newer ones) until it lands.
 */
export class GroupCommit {
  private pending = new Map<string, ProductionOrderUpdate>();
  private durable: { promise: Promise<void>; resolve: () => void } | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;

  private readonly apply: (updates: ProductionOrderUpdate[]) => Promise<void>;
  private readonly logger: Logger;
  private readonly delayMs: number;

  constructor(apply: (updates: ProductionOrderUpdate[]) => Promise<void>, logger: Logger, delayMs = 5) {
    this.apply = apply;
    this.logger = logger;
    this.delayMs = delayMs;
  }

  /** Queues `$set: fields` for the order; resolves once it is stored. */
  set(id: ObjectId, fields: Partial<ProductionOrderDoc>): Promise<void> {
    const key = id.toHexString();
    const queued = this.pending.get(key);
    if (queued) Object.assign(queued.set, fields);
    else this.pending.set(key, { id, set: { ...fields } });
    this.durable ??= withResolvers();
    this.schedule(this.delayMs);
    return this.durable.promise;
  }

  /** Resolves once everything queued so far is stored (on shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size || this.running) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await (this.running ?? this.flush());
    }
  }

  private schedule(delayMs: number) {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private flush(): Promise<void> {
    const updates = [...this.pending.values()];
    const durable = this.durable;
    this.pending = new Map();
    this.durable = null;
    this.running = (async () => {
      try {
        for (let first = 0; first < updates.length; first += MAX_PER_WRITE) {
          await this.apply(updates.slice(first, first + MAX_PER_WRITE));
        }
        this.failures = 0;
        durable?.resolve();
      } catch (error) {
        this.failures++;
        this.logger.warn({ err: error, updates: updates.length }, 'production write failed; retrying');
        this.requeue(updates, durable);
      } finally {
        this.running = null;
      }
      if (this.pending.size) {
        this.schedule(this.failures ? backoffDelay(this.failures - 1, { baseMs: 50, maxMs: 5000 }) : 0);
      }
    })();
    return this.running;
  }

  /** Failed updates go back before the newer ones queued meanwhile (newer fields win), under one promise. */
  private requeue(updates: ProductionOrderUpdate[], durable: typeof this.durable) {
    const newer = this.pending;
    this.pending = new Map(updates.map((update) => [update.id.toHexString(), update]));
    for (const [key, update] of newer) {
      const queued = this.pending.get(key);
      if (queued) Object.assign(queued.set, update.set);
      else this.pending.set(key, update);
    }
    const later = this.durable;
    this.durable =
      durable && later
        ? { promise: durable.promise, resolve: () => (durable.resolve(), later.resolve()) }
        : (durable ?? later);
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
