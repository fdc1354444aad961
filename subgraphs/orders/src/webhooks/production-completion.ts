import type { MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { FactoryId } from '#catalogue/products.ts';
import type { Completion } from '#clients/completion-webhook.ts';
import { OrderLineSchema, type OrderLine } from '../order/order-line.entity.ts';
import { recordStatusChange } from '../order/order-transitions.ts';
import { OrderSchema } from '../order/order.entity.ts';

/** A completion that does not match what this service recorded when the factory confirmed receipt. */
export interface Refusal {
  status: 404 | 409;
  reason: string;
  /** The receipt is not recorded yet (the factory was quicker than our commit): the same webhook will pass later. */
  retryable: boolean;
}

export type BatchOutcome = { recorded: number; repeated: number } | { refused: Refusal };

/** Checks one completion against its line, as recorded when `factory` confirmed the production request. */
function refusalOf(
  factory: FactoryId,
  completion: Completion,
  line: OrderLine | undefined,
): Refusal | undefined {
  const { lineId, orderNumber, productionOrderId } = completion;
  if (!line) return { status: 404, reason: `order ${orderNumber} has no line ${lineId}`, retryable: false };
  if (line.factory !== factory) {
    return {
      status: 409,
      reason: `line ${lineId} was sent to ${line.factory}, not ${factory}`,
      retryable: false,
    };
  }
  if (line.productionOrderId === null) {
    const reason = `${factory} has not yet been recorded as confirming line ${lineId}; retry`;
    return { status: 409, reason, retryable: true };
  }
  if (line.productionOrderId !== productionOrderId) {
    const reason = `line ${lineId} is production order ${line.productionOrderId}, not ${productionOrderId}`;
    return { status: 409, reason, retryable: false };
  }
  return undefined;
}

/**
 * Records a factory's batch of completions in one transaction, under the
 * orders' row locks (taken in id order, so two batches cannot deadlock, and
 * two lines finishing at once cannot both miss being last). Every completion
 * is checked first; one that does not match refuses the whole batch and
 * nothing changes. A repeat changes nothing; a line's production order is
 * never rewritten. The last line of a SCHEDULED order completes the order.
 */
export async function recordCompletions(
  orm: MikroORM,
  factory: FactoryId,
  completions: readonly Completion[],
): Promise<BatchOutcome> {
  return orm.em.fork().transactional(async (tx) => {
    const numbers = [...new Set(completions.map((completion) => completion.orderNumber))];
    const orders = await tx.find(
      OrderSchema,
      { number: { $in: numbers } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    const lines = orders.length
      ? await tx.find(OrderLineSchema, { orderId: { $in: orders.map((order) => order.id) } })
      : [];
    const orderByNumber = new Map(orders.map((order) => [order.number, order]));
    const lineOf = (completion: Completion) =>
      lines.find(
        (line) =>
          line.id === completion.lineId && line.orderId === orderByNumber.get(completion.orderNumber)?.id,
      );
    for (const [index, completion] of completions.entries()) {
      const refusal = refusalOf(factory, completion, lineOf(completion));
      if (refusal) return { refused: { ...refusal, reason: `completions.${index}: ${refusal.reason}` } };
    }
    let recorded = 0;
    for (const completion of completions) {
      const line = lineOf(completion)!;
      if (line.status === 'COMPLETED') continue;
      line.status = 'COMPLETED';
      line.completedAt = new Date(completion.completedAt);
      recorded += 1;
    }
    await tx.flush();
    for (const order of orders) {
      const own = lines.filter((line) => line.orderId === order.id);
      if (order.status === 'SCHEDULED' && own.every((line) => line.status === 'COMPLETED')) {
        await recordStatusChange(tx, order, 'COMPLETE', 'SCHEDULED', 'every line completed');
      }
    }
    return { recorded, repeated: completions.length - recorded };
  });
}
