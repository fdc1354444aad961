import type { OrderStatusChangedPayload } from '../outbox/outbox-message.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { StatusChange, StoredOrder } from './order.repository.ts';
import type { OrderStatus } from './order.entity.ts';

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);

/** The rule that completes an order: every one of its lines is COMPLETED. */
export const everyLineCompleted = (lines: readonly OrderLine[]) =>
  lines.length > 0 && lines.every((line) => line.status === 'COMPLETED');

export function statusChangedPayload(
  order: StoredOrder,
  lines: readonly Pick<OrderLine, 'product' | 'quantity' | 'attributes'>[],
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
    ...(order.traceparent ? { traceparent: order.traceparent } : {}),
  };
}

/**
 * An order moving to `status`: its new state (a copy; `order` is left as it
 * was) and the change to record with recordStatusChanges (history event,
 * outbox message, notification, all in the caller's transaction).
 */
export function changeStatus(
  order: StoredOrder,
  lines: readonly OrderLine[],
  status: OrderStatus,
  note: string | null,
  at = new Date(),
): StatusChange {
  const next: StoredOrder = { ...order, status, version: order.version + 1 };
  if (status === 'SCHEDULED') {
    next.scheduledAt = at;
    next.nextScheduleAt = null;
    next.lastScheduleError = null;
  }
  if (status === 'COMPLETE') next.completedAt = at;
  return { order: next, at, note, payload: statusChangedPayload(next, lines, order.status, at, note) };
}
