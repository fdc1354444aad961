import type { ProductKind } from '#catalogue/products.ts';
import type { OrderEvent } from './order-event.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { Order, OrderSource, OrderStatus } from './order.entity.ts';

/** The rows of `orders.order`, `orders.order_line` and `orders.order_event` as the driver returns them, and their mapping. */

export interface OrderRow {
  id: string | number;
  number: string;
  client_request_id: string | null;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  status: OrderStatus;
  source: OrderSource;
  placed_at: Date | string;
  scheduled_at: Date | string | null;
  completed_at: Date | string | null;
  schedule_attempts: number;
  next_schedule_at: Date | string | null;
  last_schedule_error: string | null;
  traceparent: string | null;
  version: number;
}

export interface LineRow {
  id: string;
  order_id: string | number;
  position: number;
  product: ProductKind;
  factory: string;
  quantity: number;
  attributes: Record<string, unknown>;
  status: OrderLine['status'];
  production_order_id: string | null;
  completed_at: Date | string | null;
}

const date = (value: Date | string | null) => (value === null ? null : new Date(value));

export const toOrder = (row: OrderRow): Order =>
  ({
    id: Number(row.id),
    number: row.number,
    clientRequestId: row.client_request_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    status: row.status,
    source: row.source,
    placedAt: new Date(row.placed_at),
    scheduledAt: date(row.scheduled_at),
    completedAt: date(row.completed_at),
    scheduleAttempts: row.schedule_attempts,
    nextScheduleAt: date(row.next_schedule_at),
    lastScheduleError: row.last_schedule_error,
    traceparent: row.traceparent,
    version: row.version,
  }) as Order;

export const toLine = (row: LineRow): OrderLine => ({
  id: row.id,
  orderId: Number(row.order_id),
  position: row.position,
  product: row.product,
  factory: row.factory,
  quantity: row.quantity,
  attributes: row.attributes,
  status: row.status,
  productionOrderId: row.production_order_id,
  completedAt: date(row.completed_at),
});

export interface EventRow {
  id: string | number;
  order_id: string | number;
  status: string;
  at: Date | string;
  note: string | null;
}

export const toEvent = (row: EventRow): OrderEvent =>
  ({
    id: Number(row.id),
    orderId: Number(row.order_id),
    status: row.status,
    at: new Date(row.at),
    note: row.note,
  }) as OrderEvent;

export type StoredOrder = ReturnType<typeof toOrder>;
