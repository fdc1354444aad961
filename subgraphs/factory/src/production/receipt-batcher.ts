import { naturalBatch } from '#kit/natural-batch.ts';
import type { FactoryId } from '#catalogue/products.ts';
import {
  MAX_REQUESTS_PER_BATCH,
  storeRequests,
  type ProductionRequest,
  type ReceiveRequests,
  type StoreDeps,
} from './production-request.service.ts';

/**
 * The factory's production requests, stored one batch at a time (the kit's natural batching):
 * requests that arrive while a batch is being stored wait and go together in the next, so they
 * cost the store's few inserts between them instead of a few each. An insert costs FerretDB about
 * a millisecond whatever its size up to hundreds of documents, so at hundreds of requests a second
 * the inserts, not the documents, were the cost. A batch holds up to a batch mutation's worth of
 * requests (at least one whole call). Each call gets its own outcomes, as if stored alone (a line
 * repeated across requests of one batch is one production order, the first request's).
 */
export function receiptBatcher(deps: StoreDeps, factory: FactoryId): ReceiveRequests {
  return naturalBatch(
    async (calls: (readonly ProductionRequest[])[]) => {
      const outcomes = await storeRequests(deps, factory, calls.flat(), new Date());
      let first = 0;
      return calls.map((requests) => outcomes.slice(first, (first += requests.length)));
    },
    { maxBatch: MAX_REQUESTS_PER_BATCH, sizeOf: (requests) => requests.length },
  );
}
