import type { EntityManager } from '@mikro-orm/postgresql';
import { appendOutboxMessage } from '../outbox/outbox.repository.ts';
import type { OrderStatusChangedPayload } from '../outbox/outbox-message.ts';
import { notifyOrderUpdated } from '../subscriptions/order-notifications.ts';
import { OrderEventSchema } from './order-event.entity.ts';
import { OrderLineSchema, type OrderLine } from './order-line.entity.ts';
import type { Order, OrderStatus } from './order.entity.ts';

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

function statusChangedPayload(
  order: Order,
  lines: readonly OrderLine[],
  previousStatus: OrderStatus | null,
  at: Date,
  note: string | null,
): OrderStatusChangedPayload {
  return {
    orderNumber: order.number,
    status: order.status,
    previousStatus,
    at: at.toISOString(),
    source: order.source,
    customer: { id: order.customerId, name: order.customerName, email: order.customerEmail },
    lines: lines.map((line) => ({
      product: line.product,
      quantity: line.quantity,
      attributes: line.attributes,
    })),
    placedAt: iso(order.placedAt)!,
    scheduledAt: iso(order.scheduledAt),
    completedAt: iso(order.completedAt),
    note,
  };
}

/**
 * Records a status change inside the caller's transaction: the order's
 * status and timestamp, a history event, an outbox message, and a
 * notification that PostgreSQL delivers to subscribers only at commit.
 * `previousStatus` is null for a newly placed order.
 */
export async function recordStatusChange(
  tx: EntityManager,
  order: Order,
  status: OrderStatus,
  previousStatus: OrderStatus | null,
  note: string | null = null,
  at = new Date(),
): Promise<void> {
  order.status = status;
  if (status === 'SCHEDULED') order.scheduledAt = at;
  if (status === 'COMPLETE') order.completedAt = at;
  tx.create(OrderEventSchema, { orderId: order.id, status, at, note });
  await tx.flush();
  const lines = await tx.find(OrderLineSchema, { orderId: order.id }, { orderBy: { position: 'asc' } });
  await appendOutboxMessage(tx, statusChangedPayload(order, lines, previousStatus, at, note));
  await notifyOrderUpdated(tx, order);
}
