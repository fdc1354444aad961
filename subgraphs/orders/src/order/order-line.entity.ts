import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PRODUCT_KINDS } from '#catalogue/products.ts';

/** PENDING until its factory confirms the request, REQUESTED until it reports completion. */
export const LINE_STATUSES = ['PENDING', 'REQUESTED', 'COMPLETED'] as const;

export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'order_line',
  properties: {
    id: p.uuid().primary(),
    orderId: p.bigint('number'),
    position: p.integer(),
    product: p.enum(PRODUCT_KINDS),
    factory: p.text(),
    quantity: p.integer(),
    /** Every attribute of the product, defaults filled in. */
    attributes: p.json<Record<string, unknown>>(),
    status: p.enum(LINE_STATUSES),
    productionOrderId: p.text().nullable(),
    completedAt: p.datetime().nullable(),
  },
});

export type OrderLine = InferEntity<typeof OrderLineSchema>;
