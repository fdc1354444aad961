import type { MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { z } from 'zod';
import { OrderLineSchema } from '../order/order-line.entity.ts';
import { recordStatusChange } from '../order/order-transitions.ts';
import { OrderSchema } from '../order/order.entity.ts';

export const productionCompletedSchema = z.object({
  productionOrderId: z.string().min(1),
  factory: z.string().min(1),
  orderNumber: z.string().min(1),
  lineId: z.uuid(),
  status: z.literal('COMPLETED'),
  quantity: z.number().int().positive().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  queuedAt: z.iso.datetime({ offset: true }).optional(),
  startedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  completedAt: z.iso.datetime({ offset: true }),
});

export type ProductionCompleted = z.infer<typeof productionCompletedSchema>;

export type CompletionOutcome = 'recorded' | 'repeat' | 'unknown-line';

/**
 * Records one line's completion under the order's row lock (so two lines
 * finishing at once cannot both miss being last); a repeat changes nothing.
 * The last line of a SCHEDULED order completes the order in the same
 * transaction; a still-VERIFIED order is completed when it is scheduled.
 */
export async function recordProductionCompleted(
  orm: MikroORM,
  event: ProductionCompleted,
): Promise<CompletionOutcome> {
  return orm.em.fork().transactional(async (tx) => {
    const order = await tx.findOne(
      OrderSchema,
      { number: event.orderNumber },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!order) return 'unknown-line';
    const lines = await tx.find(OrderLineSchema, { orderId: order.id });
    const line = lines.find((candidate) => candidate.id === event.lineId);
    if (!line) return 'unknown-line';
    if (line.status === 'COMPLETED') return 'repeat';
    line.status = 'COMPLETED';
    line.completedAt = new Date(event.completedAt);
    line.productionOrderId = event.productionOrderId;
    await tx.flush();
    if (order.status === 'SCHEDULED' && lines.every((candidate) => candidate.status === 'COMPLETED')) {
      await recordStatusChange(tx, order, 'COMPLETE', 'SCHEDULED', 'every line completed');
    }
    return 'recorded';
  });
}
