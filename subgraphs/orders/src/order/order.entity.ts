import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ORDER_STATUSES = ['VERIFIED', 'SCHEDULED', 'COMPLETE', 'REJECTED'] as const;
export const ORDER_SOURCES = ['MANUAL', 'AUTOMATED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderSource = (typeof ORDER_SOURCES)[number];

export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'order',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** Readable number, e.g. ORD-000123, from the sequence `order_number_seq`. */
    number: p.string().length(20).unique(),
    /** Idempotency-Key header or clientRequestId: a retried placement finds the first order. */
    clientRequestId: p.string().length(200).nullable().unique(),
    customerId: p.uuid(),
    /** The customer as verified at placement, so later messages need no lookup. */
    customerName: p.text(),
    customerEmail: p.text(),
    status: p.enum(ORDER_STATUSES),
    source: p.enum(ORDER_SOURCES),
    placedAt: p.datetime().onCreate(() => new Date()),
    scheduledAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    scheduleAttempts: p.integer().default(0),
    nextScheduleAt: p.datetime().nullable(),
    lastScheduleError: p.text().nullable(),
    /** W3C traceparent of the span that placed the order (carried to production and the outbox). */
    traceparent: p.string().length(55).nullable(),
    version: p.integer().version(),
  },
});

export type Order = InferEntity<typeof OrderSchema>;
