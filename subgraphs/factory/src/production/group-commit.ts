import type { ObjectId } from 'mongodb';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import type { ProductionOrderDoc } from './production-order.ts';
import { applyRank, type StoredWrite, type WriteTarget } from './stored-write.ts';

const MAX_PER_WRITE = 500;

/**
 * The factory's writes (its production orders, its webhook batches, its live records), gathered for
 * a few milliseconds and applied as `_id`-keyed `bulkWrite`s, one per kind of write (`applyRank`).
 * Two writes to one document before a flush become one (fields merged, a removal wins), kept at
 * the place of the first, so the production orders stored are always a prefix of what happened: a
 * line's completion is never stored after the start it made room for. A failed write is retried
 * (its writes go before newer ones) until it lands.
 */
export class GroupCommit {
  private pending = new Map<string, StoredWrite>();
  private durable: { promise: Promise<void>; resolve: () => void } | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;

  private readonly apply: (writes: StoredWrite[]) => Promise<void>;
  private readonly logger: Logger;
  private readonly delayMs: number;

  constructor(apply: (writes: StoredWrite[]) => Promise<void>, logger: Logger, delayMs = 5) {
    this.apply = apply;
    this.logger = logger;
    this.delayMs = delayMs;
  }

  /** Queues `$set: fields` for the production order; resolves once it is stored. */
  set(id: ObjectId, fields: Partial<ProductionOrderDoc>): Promise<void> {
    return this.queue({ target: 'orders', id, set: { ...fields } });
  }

  /** Queues `$set: fields` for a document of another of the factory's collections, made if missing. */
  upsert(target: Exclude<WriteTarget, 'orders'>, id: ObjectId | string, fields: object): Promise<void> {
    return this.queue({ target, id, set: { ...fields }, upsert: true });
  }

  /** Queues `$set: fields` for a stored document of another of the factory's collections. */
  update(target: Exclude<WriteTarget, 'orders'>, id: ObjectId | string, fields: object): Promise<void> {
    return this.queue({ target, id, set: { ...fields } });
  }

  /** Queues the removal of a document (by `_id`). */
  remove(target: WriteTarget, id: ObjectId | string): Promise<void> {
    return this.queue({ target, id, remove: true });
  }

  /** Resolves once everything queued so far is stored (on shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size || this.running) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await (this.running ?? this.flush());
    }
  }

  private queue(write: StoredWrite): Promise<void> {
    merge(this.pending, write);
    this.durable ??= withResolvers();
    this.schedule(this.delayMs);
    return this.durable.promise;
  }

  private schedule(delayMs: number) {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private flush(): Promise<void> {
    // A stable sort: each kind keeps the order it was queued in.
    const writes = [...this.pending.values()].sort((a, b) => applyRank(a) - applyRank(b));
    const durable = this.durable;
    this.pending = new Map();
    this.durable = null;
    this.running = (async () => {
      try {
        for (let first = 0; first < writes.length; first += MAX_PER_WRITE) {
          await this.apply(writes.slice(first, first + MAX_PER_WRITE));
        }
        this.failures = 0;
        durable?.resolve();
      } catch (error) {
        this.failures++;
        this.logger.warn({ err: error, writes: writes.length }, 'production write failed; retrying');
        this.requeue(writes, durable);
      } finally {
        this.running = null;
      }
      if (this.pending.size) {
        this.schedule(this.failures ? backoffDelay(this.failures - 1, { baseMs: 50, maxMs: 5000 }) : 0);
      }
    })();
    return this.running;
  }

  /** Failed writes go back before the newer ones queued meanwhile (newer fields win), under one promise. */
  private requeue(writes: StoredWrite[], durable: typeof this.durable) {
    const newer = this.pending;
    this.pending = new Map();
    for (const write of writes) merge(this.pending, write);
    for (const write of newer.values()) merge(this.pending, write);
    const later = this.durable;
    this.durable =
      durable && later
        ? { promise: durable.promise, resolve: () => (durable.resolve(), later.resolve()) }
        : (durable ?? later);
  }
}

const keyOf = (write: StoredWrite) =>
  `${write.target}:${typeof write.id === 'string' ? write.id : write.id.toHexString()}`;

function merge(pending: Map<string, StoredWrite>, write: StoredWrite) {
  const key = keyOf(write);
  const queued = pending.get(key);
  if (!queued) pending.set(key, { ...write, ...(write.set ? { set: { ...write.set } } : {}) });
  else if (write.remove) pending.set(key, { target: write.target, id: write.id, remove: true });
  else if (!queued.remove) {
    Object.assign(queued.set!, write.set);
    if (write.upsert) queued.upsert = true;
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
