import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ValidationError } from '#kit/errors.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import { draftLines, type OrderLineInput } from './order-draft.ts';
import { OrderLineSchema } from './order-line.entity.ts';
import { recordStatusChange } from './order-transitions.ts';
import { firstOrderFor } from './repeated-placement.ts';
import { OrderSchema, type Order, type OrderSource } from './order.entity.ts';

export interface PlaceOrderCommand {
  customerId: string;
  lines: readonly OrderLineInput[];
  source: OrderSource;
  /** Idempotency-Key header or clientRequestId input. */
  clientRequestId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const formatNumber = (value: number | string) => `ORD-${String(value).padStart(6, '0')}`;

/**
 * Verifies and stores an order as VERIFIED with its history event and outbox
 * message in one transaction, due for scheduling at once. Invalid input
 * throws before anything is written, except an AUTOMATED order whose
 * customer was archived after it was picked: that one is stored as REJECTED.
 * A repeated clientRequestId returns the first order if it asks for the same
 * thing, else CONFLICT.
 */
export async function placeOrder(
  em: EntityManager,
  customers: CustomerLookup,
  command: PlaceOrderCommand,
): Promise<Order> {
  const requestId = command.clientRequestId?.trim() || null;
  if (requestId && requestId.length > 200)
    throw new ValidationError('input.clientRequestId', 'must be at most 200 characters');
  const lines = draftLines(command.lines);
  if (requestId) {
    const existing = await em.fork().findOne(OrderSchema, { clientRequestId: requestId });
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

  try {
    return await em.fork().transactional(async (tx) => {
      const [row] = await tx.execute<{ value: string }[]>(
        `select nextval('"orders"."order_number_seq"') as value`,
      );
      const order = tx.create(OrderSchema, {
        number: formatNumber(row!.value),
        clientRequestId: requestId,
        customerId: customer.id,
        customerName: customer.name,
        customerEmail: customer.email,
        status: rejection ? 'REJECTED' : 'VERIFIED',
        source: command.source,
        placedAt: new Date(),
        scheduleAttempts: 0,
        nextScheduleAt: rejection ? null : new Date(),
      });
      await tx.flush();
      for (const line of lines) tx.create(OrderLineSchema, { ...line, orderId: order.id, status: 'PENDING' });
      if (rejection) await recordStatusChange(tx, order, 'REJECTED', null, rejection);
      else await recordStatusChange(tx, order, 'VERIFIED', null, 'customer and lines verified');
      return order;
    });
  } catch (error) {
    // Two placements with the same key raced: the loser answers with the winner's order.
    if (requestId && error instanceof UniqueConstraintViolationException) {
      const existing = await em.fork().findOne(OrderSchema, { clientRequestId: requestId });
      if (existing) return firstOrderFor(em.fork(), existing, command.customerId, lines);
    }
    throw error;
  }
}
