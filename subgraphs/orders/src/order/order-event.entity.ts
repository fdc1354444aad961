import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** The append-only history of an order's status changes. */
export const OrderEventSchema = defineEntity({
  name: 'OrderEvent',
  tableName: 'order_event',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    orderId: p.bigint('number'),
    status: p.text(),
    at: p.datetime(),
    note: p.text().nullable(),
  },
});

export type OrderEvent = InferEntity<typeof OrderEventSchema>;
