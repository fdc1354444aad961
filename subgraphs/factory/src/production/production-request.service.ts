import { detached } from '#kit/telemetry/trace-context.ts';
import { isDeepStrictEqual } from 'node:util';
import { ObjectId } from 'mongodb';
import { z } from 'zod';
import { PRODUCT_OF_FACTORY, type FactoryId, type ProductKind } from '#catalogue/products.ts';
import { resolveAttributes, validateQuantity } from '#catalogue/attributes.ts';
import { productionSeconds } from '#catalogue/production-time.ts';
import { ConflictError, DomainError, ValidationError } from '#kit/errors.ts';
import type { ProductionOrderDoc } from './production-order.ts';
import { productionKeyOf, type ProductionOrderRepository } from './production-order.repository.ts';

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

const sameConfiguration = (a: ProductionConfiguration, b: ProductionConfiguration) =>
  a.product === b.product && a.quantity === b.quantity && isDeepStrictEqual(a.attributes, b.attributes);

type ProductionConfiguration = Pick<ProductionOrderDoc, 'product' | 'quantity' | 'attributes'>;

export type StoreDeps = {
  orders: ProductionOrderRepository;
  /** Queues the orders just stored (listed in live record `record`) and fills free lines. */
  dispatch: (added: readonly ProductionOrderDoc[], record: ObjectId) => Promise<void>;
};

/** Stores requests, one outcome each: the factory's receiptBatcher (`storeRequests` for its batch). */
export type ReceiveRequests = (requests: readonly ProductionRequest[]) => Promise<Outcome[]>;

/**
 * Stores one production order per line, idempotently on (orderNumber, lineId):
 * a resubmission gets the stored orders back and creates nothing; the same
 * key with a different configuration is a CONFLICT. Then the factory fills its
 * free lines (not awaited: the receipt answers at once, and what was stored is
 * queued again when the owner's state is rebuilt at start).
 */
export async function submitProductionRequest(
  receive: ReceiveRequests,
  request: ProductionRequest,
): Promise<ProductionOrderDoc[]> {
  const [outcome] = await receive([request]);
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
  receive: ReceiveRequests,
  requests: readonly ProductionRequest[],
): Promise<BatchResult[]> {
  if (requests.length > MAX_REQUESTS_PER_BATCH)
    throw new ValidationError('requests', `must list at most ${MAX_REQUESTS_PER_BATCH} requests`);
  const outcomes = await receive(requests);
  return outcomes.map((outcome, index) =>
    'error' in outcome
      ? { orderNumber: requests[index]!.orderNumber, error: batchErrorOf(outcome.error, index) }
      : { orderNumber: requests[index]!.orderNumber, orders: outcome.orders },
  );
}

export type Outcome = { orders: ProductionOrderDoc[] } | { error: DomainError };

const keyOf = productionKeyOf;

/**
 * The one store path, set-based and by `_id` only (FerretDB scans for any other filter): each
 * line's key (`orderNumber`, `lineId`) is claimed by inserting it as an `_id` in one unordered
 * insert, with the production order's id and configuration; the production orders of the keys
 * won are inserted next. A key already taken is a repeat: its configuration decides between the
 * stored production order (looked up by `_id`) and CONFLICT. A key whose production order is
 * missing (a crash between the two inserts, before any receipt was answered) gets it now.
 */
export async function storeRequests(
  deps: StoreDeps,
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
  // A line repeated within the batch is one production order: the first request's.
  const wanted = new Map<string, ProductionOrderDoc>();
  for (const item of validated)
    if ('docs' in item) for (const doc of item.docs) if (!wanted.has(keyOf(doc))) wanted.set(keyOf(doc), doc);
  const taken = await deps.orders.claimKeys([...wanted.values()]);
  const known = new Map((await deps.orders.findKeys([...taken])).map((key) => [key._id, key]));
  const stored = new Map(
    (await deps.orders.findByIds([...known.values()].map((key) => key.productionOrderId))).map((doc) => [
      keyOf(doc),
      doc,
    ]),
  );
  const fresh: ProductionOrderDoc[] = [];
  const released: string[] = [];
  const outcomes = validated.map((item): Outcome => {
    if ('error' in item) return item;
    const index = item.docs.findIndex((doc) => {
      const key = known.get(keyOf(doc));
      return key ? !sameConfiguration(key, doc) : !sameConfiguration(wanted.get(keyOf(doc))!, doc);
    });
    if (index >= 0) {
      // Nothing of a refused request stays claimed.
      released.push(...item.docs.map(keyOf).filter((key) => !taken.has(key)));
      return { error: conflictAt(item.docs[index]!, index) };
    }
    return {
      orders: item.docs.map((doc) => {
        const key = keyOf(doc);
        const existing = stored.get(key);
        if (existing) return existing;
        const mine = known.has(key) ? { ...doc, _id: known.get(key)!.productionOrderId } : wanted.get(key)!;
        if (!fresh.includes(mine)) fresh.push(mine);
        stored.set(key, mine); // a later request of the batch repeating this line gets this one
        return mine;
      }),
    };
  });
  const kept = new Set(fresh.map(keyOf));
  const release = [...new Set(released)].filter((key) => !kept.has(key));
  if (release.length) await deps.orders.releaseKeys(release);
  if (fresh.length === 0) return outcomes;
  const { lost, record } = await deps.orders.insertManyOnce(fresh);
  if (lost.length) await answerWithStored(deps, outcomes, lost);
  // Outside the request's trace: production is its own leg (factory.production in the order's trace).
  void detached(() =>
    deps.dispatch(lost.length ? fresh.filter((doc) => !lost.includes(doc)) : fresh, record),
  );
  return outcomes;
}

/**
 * Lines stored before keys existed (an older factory's data): the unique index on (orderNumber,
 * lineId) refused them again; answer with the stored ones (found by a scan, on this rare path).
 */
async function answerWithStored(deps: StoreDeps, outcomes: Outcome[], lost: ProductionOrderDoc[]) {
  const lostKeys = new Set(lost.map(keyOf));
  const numbers = [...new Set(lost.map((doc) => doc.orderNumber))];
  const winners = new Map(
    (await deps.orders.findByOrderNumbers(numbers))
      .filter((doc) => lostKeys.has(keyOf(doc)))
      .map((doc) => [keyOf(doc), doc]),
  );
  await deps.orders.releaseKeys([...lostKeys]);
  await deps.orders.claimKeys([...winners.values()]);
  outcomes.forEach((outcome, index) => {
    if (!('orders' in outcome)) return;
    const at = outcome.orders.findIndex((doc) => {
      const winner = winners.get(keyOf(doc));
      return winner && !sameConfiguration(winner, doc);
    });
    outcomes[index] =
      at >= 0
        ? { error: conflictAt(outcome.orders[at]!, at) }
        : { orders: outcome.orders.map((doc) => winners.get(keyOf(doc)) ?? doc) };
  });
}

const conflictAt = (doc: ProductionOrderDoc, index: number) =>
  new ConflictError(
    `Line ${doc.lineId} of ${doc.orderNumber} was already requested with another configuration`,
    { field: `lines.${index}` },
  );

/** A request's error as the batch answers it: the field path starts at `requests.<index>`. */
export function batchErrorOf(error: DomainError, index: number) {
  const field = typeof error.details.field === 'string' ? error.details.field : null;
  const path = field === null ? `requests.${index}` : `requests.${index}.${field}`;
  const message =
    error instanceof ValidationError ? `${path}: ${error.message.slice(field!.length + 2)}` : error.message;
  return { code: error.code, field: path, message };
}
