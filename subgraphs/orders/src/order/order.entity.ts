import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const ORDER_STATUSES = ['VERIFIED', 'SCHEDULED', 'COMPLETE', 'REJECTED'] as const;
export const ORDER_SOURCES = ['MANUAL', 'AUTOMATED'] as const;

export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'order',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** Readable number, e.g. ORD-000123, from the sequence `order_number_seq`. */
    number: p.string().length(20).unique(),
    customerId: p.uuid(),
    status: p.enum(ORDER_STATUSES),
    source: p.enum(ORDER_SOURCES),
    placedAt: p.datetime().onCreate(() => new Date()),
    scheduledAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    version: p.integer().version(),
  },
});

export type Order = InferEntity<typeof OrderSchema>;
