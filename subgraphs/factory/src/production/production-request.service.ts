import { detached } from '#kit/telemetry/trace-context.ts';
import { isDeepStrictEqual } from 'node:util';
import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { PRODUCT_OF_FACTORY, type FactoryId, type ProductKind } from '#catalogue/products.ts';
import { resolveAttributes, validateQuantity } from '#catalogue/attributes.ts';
import { productionSeconds } from '#catalogue/production-time.ts';
import { ConflictError, DomainError, ValidationError } from '#kit/errors.ts';
import type { ProductionOrderDoc } from './production-order.ts';
import type { ProductionOrderRepository } from './production-order.repository.ts';

export interface ProductionLineRequest {
  lineId: string;
  product: ProductKind;
  quantity: number;
  attributes?: unknown;
}

export interface ProductionRequest {
  orderNumber: string;
  lines: readonly ProductionLineRequest[];
  traceparent?: string | null | undefined;
}

const MAX_LINES = 100;
/** W3C trace context, version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const isUuid = (text: string) => z.uuid().safeParse(text).success;

/** Checks a whole request before anything is stored; throws ValidationError naming the field. */
export function validateRequest(
  factory: FactoryId,
  request: ProductionRequest,
  now: Date,
): ProductionOrderDoc[] {
  const orderNumber = request.orderNumber.trim();
  if (!orderNumber || orderNumber.length > 64)
    throw new ValidationError('orderNumber', 'must be 1 to 64 characters');
  if (request.lines.length === 0) throw new ValidationError('lines', 'must list at least one line');
  if (request.lines.length > MAX_LINES)
    throw new ValidationError('lines', `must list at most ${MAX_LINES} lines`);
  const traceparent = request.traceparent ?? null;
  if (traceparent !== null && !TRACEPARENT.test(traceparent))
    throw new ValidationError('traceparent', 'must be a W3C traceparent (00-<trace id>-<parent id>-<flags>)');
  const seen = new Set<string>();
  return request.lines.map((line, index) => {
    const path = `lines.${index}`;
    const lineId = line.lineId.trim();
    // The order service's line id; its completion webhook names the line by it, and accepts only a UUID.
    if (!isUuid(lineId)) throw new ValidationError(`${path}.lineId`, 'must be a UUID');
    if (seen.has(lineId)) throw new ValidationError(`${path}.lineId`, `repeats line ${lineId}`);
    seen.add(lineId);
    const made = PRODUCT_OF_FACTORY[factory];
    if (line.product !== made)
      throw new ValidationError(`${path}.product`, `factory ${factory} makes ${made}, not ${line.product}`);
    validateQuantity(line.quantity, path);
    const attributes = resolveAttributes(line.product, line.attributes, path);
    return {
      _id: new ObjectId(),
      factory,
      orderNumber,
      lineId,
      product: line.product,
      quantity: line.quantity,
      attributes,
      status: 'QUEUED',
      productionSeconds: productionSeconds(line.product, line.quantity, attributes),
      queuedAt: now,
      startedAt: null,
      dueAt: null,
      completedAt: null,
      productionLine: null,
      webhook: null,
      traceparent,
    };
  });
}

const sameConfiguration = (a: ProductionOrderDoc, b: ProductionOrderDoc) =>
  a.product === b.product && a.quantity === b.quantity && isDeepStrictEqual(a.attributes, b.attributes);

type Deps = {
  orders: ProductionOrderRepository;
  /** Queues the orders just stored and fills free lines. */
  dispatch: (added: readonly ProductionOrderDoc[]) => Promise<void>;
};

/**
 * Stores one production order per line, idempotently on (orderNumber, lineId):
 * a resubmission gets the stored orders back and creates nothing; the same
 * key with a different configuration is a CONFLICT. Then the factory fills its
 * free lines (not awaited: the receipt answers at once, and a lost dispatch is
 * redone by the sweep).
 */
export async function submitProductionRequest(
  deps: Deps,
  factory: FactoryId,
  request: ProductionRequest,
  now = new Date(),
): Promise<ProductionOrderDoc[]> {
  const [outcome] = await storeRequests(deps, factory, [request], now);
  if ('error' in outcome!) throw outcome.error;
  return outcome!.orders;
}

export const MAX_REQUESTS_PER_BATCH = 500;

export type BatchResult =
  | { orderNumber: string; orders: ProductionOrderDoc[] }
  | { orderNumber: string; error: { code: string; field: string | null; message: string } };

/**
 * Many requests in one call: each is validated and stored on its own, so a bad
 * one gets its error (field prefixed `requests.<i>.`) and the others are stored.
 */
export async function submitProductionRequests(
  deps: Deps,
  factory: FactoryId,
  requests: readonly ProductionRequest[],
  now = new Date(),
): Promise<BatchResult[]> {
  if (requests.length > MAX_REQUESTS_PER_BATCH)
    throw new ValidationError('requests', `must list at most ${MAX_REQUESTS_PER_BATCH} requests`);
  const outcomes = await storeRequests(deps, factory, requests, now);
  return outcomes.map((outcome, index) =>
    'error' in outcome
      ? { orderNumber: requests[index]!.orderNumber, error: batchErrorOf(outcome.error, index) }
      : { orderNumber: requests[index]!.orderNumber, orders: outcome.orders },
  );
}

type Outcome = { orders: ProductionOrderDoc[] } | { error: DomainError };

const keyOf = (doc: Pick<ProductionOrderDoc, 'orderNumber' | 'lineId'>) =>
  `${doc.orderNumber}\u0000${doc.lineId}`;

/**
 * The one store path, set-based: one read of what the requests' orders already have, one
 * unordered insert of every new line, and a read-back only when a concurrent submission won an
 * insert (FerretDB scans for any filter but `_id`, so round trips per batch, not per request, count).
 */
async function storeRequests(
  deps: Deps,
  factory: FactoryId,
  requests: readonly ProductionRequest[],
  now: Date,
): Promise<Outcome[]> {
  const validated = requests.map((request): { docs: ProductionOrderDoc[] } | { error: DomainError } => {
    try {
      return { docs: validateRequest(factory, request, now) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { error };
    }
  });
  const numbers = [
    ...new Set(validated.flatMap((item) => ('docs' in item ? [item.docs[0]!.orderNumber] : []))),
  ];
  const stored = new Map((await deps.orders.findByOrderNumbers(numbers)).map((doc) => [keyOf(doc), doc]));
  const fresh: ProductionOrderDoc[] = [];
  const outcomes = validated.map((item): Outcome => {
    if ('error' in item) return item;
    const conflict = configurationConflict(item.docs, stored);
    if (conflict) return { error: conflict };
    return {
      orders: item.docs.map((doc) => {
        const existing = stored.get(keyOf(doc));
        if (existing) return existing;
        stored.set(keyOf(doc), doc); // a later request of the batch repeating this line gets this one
        fresh.push(doc);
        return doc;
      }),
    };
  });
  if (fresh.length === 0) return outcomes;
  const lost = await deps.orders.insertManyOnce(fresh);
  if (lost.length) await takeWinners(deps, outcomes, lost);
  const inserted = lost.length ? fresh.filter((doc) => !lost.includes(doc)) : fresh;
  // Outside the request's trace: production is its own leg (factory.production in the order's trace).
  void detached(() => deps.dispatch(inserted));
  return outcomes;
}

/** Another submission stored some of our lines first: answer with its documents, or CONFLICT if they differ. */
async function takeWinners(deps: Deps, outcomes: Outcome[], lost: ProductionOrderDoc[]): Promise<void> {
  const lostKeys = new Set(lost.map(keyOf));
  const winners = new Map(
    (await deps.orders.findByOrderNumbers([...new Set(lost.map((doc) => doc.orderNumber))]))
      .filter((doc) => lostKeys.has(keyOf(doc)))
      .map((doc) => [keyOf(doc), doc]),
  );
  outcomes.forEach((outcome, index) => {
    if (!('orders' in outcome) || !outcome.orders.some((doc) => lostKeys.has(keyOf(doc)))) return;
    const conflict = configurationConflict(outcome.orders, winners);
    outcomes[index] = conflict
      ? { error: conflict }
      : { orders: outcome.orders.map((doc) => winners.get(keyOf(doc)) ?? doc) };
  });
}

/** A request's error as the batch answers it: the field path starts at `requests.<index>`. */
export function batchErrorOf(error: DomainError, index: number) {
  const field = typeof error.details.field === 'string' ? error.details.field : null;
  const path = field === null ? `requests.${index}` : `requests.${index}.${field}`;
  const message =
    error instanceof ValidationError ? `${path}: ${error.message.slice(field!.length + 2)}` : error.message;
  return { code: error.code, field: path, message };
}

function configurationConflict(
  wanted: ProductionOrderDoc[],
  stored: ReadonlyMap<string, ProductionOrderDoc>,
): ConflictError | undefined {
  for (const [index, doc] of wanted.entries()) {
    const other = stored.get(keyOf(doc));
    if (other && !sameConfiguration(other, doc))
      return new ConflictError(
        `Line ${doc.lineId} of ${doc.orderNumber} was already requested with another configuration`,
        { field: `lines.${index}` },
      );
  }
  return undefined;
}
