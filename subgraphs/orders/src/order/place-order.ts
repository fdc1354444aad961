import { currentTraceparent } from '#kit/telemetry/trace-context.ts';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ValidationError } from '#kit/errors.ts';
import { naturalBatch } from '#kit/natural-batch.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import { draftLines, type OrderLineInput } from './order-draft.ts';
import {
  findOrderByClientRequestId,
  insertPlacedOrders,
  type NewOrder,
  type StoredOrder,
} from './order.repository.ts';
import { statusChangedPayload } from './order-transitions.ts';
import { firstOrderFor } from './repeated-placement.ts';
import type { OrderSource } from './order.entity.ts';

export interface PlaceOrderCommand {
  customerId: string;
  lines: readonly OrderLineInput[];
  source: OrderSource;
  /** Idempotency-Key header or clientRequestId input. */
  clientRequestId?: string | null;
  /** W3C traceparent of the placement's span, kept with the order and carried to production and the outbox. */
  traceparent?: string | null;
}

/** Stores one placed order (with others placed meanwhile); null when its clientRequestId is taken. */
export type PlacementWriter = (order: NewOrder) => Promise<StoredOrder | null>;

/** Placements per statement: the JSON of 200 two-line orders is about 300 KB. */
const MAX_PLACEMENTS_PER_BATCH = 200;

/**
 * The process's placement writer: placements that arrive while a batch is
 * being stored go together in the next one (one statement, one commit),
 * so under load an order's insert costs a share of a commit, not one.
 */
export const createPlacementWriter = (orm: MikroORM): PlacementWriter =>
  naturalBatch((orders: NewOrder[]) => insertPlacedOrders(orm.em.fork(), orders), {
    maxBatch: MAX_PLACEMENTS_PER_BATCH,
  });

export interface PlaceOrderDeps {
  /** For a repeated clientRequestId only. */
  em: () => EntityManager;
  customers: CustomerLookup;
  placements: PlacementWriter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies and stores an order as VERIFIED with its history event, outbox
 * message and notification in one statement (shared with the placements of
 * the same moment), due for scheduling at once. Invalid input
 * throws before anything is written, except an AUTOMATED order whose
 * customer was archived after it was picked: that one is stored as REJECTED.
 * A repeated clientRequestId returns the first order if it asks for the same
 * thing, else CONFLICT.
 */
export async function placeOrder(deps: PlaceOrderDeps, command: PlaceOrderCommand): Promise<StoredOrder> {
  const { customers, placements } = deps;
  const requestId = command.clientRequestId?.trim() || null;
  if (requestId && requestId.length > 200)
    throw new ValidationError('input.clientRequestId', 'must be at most 200 characters');
  const lines = draftLines(command.lines);
  if (requestId) {
    const existing = await findOrderByClientRequestId(deps.em(), requestId);
    if (existing) return firstOrderFor(deps.em().fork(), existing, command.customerId, lines);
  }
  // Fresh, not from the lookup cache: a customer archived a moment ago may not be ordered for.
  const customer = UUID.test(command.customerId)
    ? await customers.getCustomer(command.customerId, { fresh: true })
    : null;
  if (!customer) throw new ValidationError('input.customerId', `no customer has id ${command.customerId}`);
  // A person placing an order hears at once; an automated order was already decided on, so it is kept as REJECTED.
  const rejection = customer.active ? null : `customer ${command.customerId} is archived`;
  if (rejection && command.source !== 'AUTOMATED') throw new ValidationError('input.customerId', rejection);

  const status = rejection ? 'REJECTED' : 'VERIFIED';
  const note = rejection ?? 'customer and lines verified';
  const placedAt = new Date();
  // The placement's trace (the request's span, when traced): production and the outbox link back to it.
  const traceparent = command.traceparent ?? currentTraceparent() ?? null;
  const unnumbered = {
    ...customerColumns(customer),
    number: '',
    status,
    source: command.source,
    placedAt,
    scheduledAt: null,
    completedAt: null,
    traceparent,
  } as unknown as StoredOrder;
  const stored = await placements({
    clientRequestId: requestId,
    customer,
    status,
    source: command.source,
    placedAt,
    traceparent,
    lines,
    note,
    payload: statusChangedPayload(unnumbered, lines, null, placedAt, note),
  });
  if (stored) return stored;
  // Another placement with the same key was stored first (a retry racing the original): answer with its order.
  const existing = await findOrderByClientRequestId(deps.em(), requestId!);
  if (!existing) throw new Error(`placement ${requestId} was neither stored nor found`);
  return firstOrderFor(deps.em().fork(), existing, command.customerId, lines);
}

const customerColumns = (customer: { id: string; name: string; email: string }) => ({
  customerId: customer.id,
  customerName: customer.name,
  customerEmail: customer.email,
});
