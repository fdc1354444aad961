import { detached } from '#kit/telemetry/trace-context.ts';
import type { FactoryId } from '#catalogue/products.ts';
import {
  MAX_REQUESTS_PER_BATCH,
  storeRequests,
  type Outcome,
  type ProductionRequest,
  type StoreDeps,
} from './production-request.service.ts';

interface Waiting {
  requests: readonly ProductionRequest[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The factory's production requests, stored one batch at a time: requests that arrive while a
 * batch is being stored wait and go together in the next, so they cost two inserts (keys,
 * production orders) between them instead of two each. An insert costs FerretDB about a
 * millisecond whatever its size up to hundreds of documents, so at hundreds of requests a second
 * the inserts, not the documents, were the cost. No timer: a request that finds nothing being
 * stored is stored at once. Each request gets its own outcomes, as if stored alone (a line
 * repeated across requests of one batch is one production order, the first request's).
 */
export class ReceiptBatcher {
  private waiting: Waiting[] = [];
  private storing = false;

  private readonly deps: StoreDeps;
  private readonly factory: FactoryId;

  constructor(deps: StoreDeps, factory: FactoryId) {
    this.deps = deps;
    this.factory = factory;
  }

  /** Stores the requests (with whatever else is waiting); resolves with one outcome per request. */
  receive = (requests: readonly ProductionRequest[]): Promise<Outcome[]> =>
    new Promise((resolve, reject) => {
      this.waiting.push({ requests, resolve, reject });
      if (!this.storing) void this.drain();
    });

  private async drain() {
    this.storing = true;
    try {
      while (this.waiting.length) {
        const batch = this.next();
        const requests = batch.flatMap((waiting) => waiting.requests);
        try {
          // Outside any one request's trace: the batch is every waiting request's.
          const outcomes = await detached(() => storeRequests(this.deps, this.factory, requests, new Date()));
          let first = 0;
          for (const waiting of batch)
            waiting.resolve(outcomes.slice(first, (first += waiting.requests.length)));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.storing = false;
    }
  }

  /** The oldest waiting requests, up to a batch mutation's worth (at least one whole call). */
  private next(): Waiting[] {
    let count = 0;
    let taken = 0;
    while (taken < this.waiting.length) {
      count += this.waiting[taken]!.requests.length;
      if (taken > 0 && count > MAX_REQUESTS_PER_BATCH) break;
      taken++;
    }
    return this.waiting.splice(0, taken);
  }
}
