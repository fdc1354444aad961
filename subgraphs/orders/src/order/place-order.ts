import { currentTraceparent } from '#kit/telemetry/trace-context.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ValidationError } from '#kit/errors.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import { draftLines, type OrderLineInput } from './order-draft.ts';
import { findOrderByClientRequestId, insertPlacedOrder, type StoredOrder } from './order.repository.ts';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies and stores an order as VERIFIED with its history event, outbox
 * message and notification in one statement, due for scheduling at once. Invalid input
 * throws before anything is written, except an AUTOMATED order whose
 * customer was archived after it was picked: that one is stored as REJECTED.
 * A repeated clientRequestId returns the first order if it asks for the same
 * thing, else CONFLICT.
 */
export async function placeOrder(
  em: EntityManager,
  customers: CustomerLookup,
  command: PlaceOrderCommand,
): Promise<StoredOrder> {
  const requestId = command.clientRequestId?.trim() || null;
  if (requestId && requestId.length > 200)
    throw new ValidationError('input.clientRequestId', 'must be at most 200 characters');
  const lines = draftLines(command.lines);
  if (requestId) {
    const existing = await findOrderByClientRequestId(em, requestId);
    if (existing) return firstOrderFor(em.fork(), existing, command.customerId, lines);
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
  try {
    return await insertPlacedOrder(em, {
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
  } catch (error) {
    // Two placements with the same key raced: the loser answers with the winner's order.
    if (requestId && isUniqueViolation(error)) {
      const existing = await findOrderByClientRequestId(em, requestId);
      if (existing) return firstOrderFor(em.fork(), existing, command.customerId, lines);
    }
    throw error;
  }
}

const customerColumns = (customer: { id: string; name: string; email: string }) => ({
  customerId: customer.id,
  customerName: customer.name,
  customerEmail: customer.email,
});

const isUniqueViolation = (error: unknown) =>
  error instanceof UniqueConstraintViolationException || (error as { code?: string }).code === '23505';
