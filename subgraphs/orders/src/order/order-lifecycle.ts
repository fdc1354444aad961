import type { EntityManager } from '@mikro-orm/postgresql';
import type { FactoryId } from '#catalogue/products.ts';
import type { Completion } from '#clients/completion-webhook.ts';
import type { OrderLine } from './order-line.entity.ts';
import {
  completeLines,
  lockOrders,
  markLinesRequested,
  recordStatusChanges,
  type StatusChange,
} from './order.repository.ts';
import { changeStatus, everyLineCompleted } from './order-transitions.ts';

/**
 * The order's state rules after placement, each once: SCHEDULED when every
 * factory confirmed, COMPLETE when every line is completed (whichever of the
 * two is recorded last). Each runs for a whole batch in one transaction,
 * under the orders' row locks taken in id order.
 */

/** Every factory confirmed these orders: SCHEDULED, and COMPLETE too where the factories were quicker. */
export async function markScheduled(
  em: EntityManager,
  orders: readonly { id: number; note: string }[],
): Promise<void> {
  if (orders.length === 0) return;
  const noteOf = new Map(orders.map((order) => [order.id, order.note]));
  await em.fork().transactional(async (tx) => {
    const locked = (await lockOrders(tx, { ids: [...noteOf.keys()] })).filter(
      (order) => order.status === 'VERIFIED',
    );
    const lines = await markLinesRequested(
      tx,
      locked.map((order) => order.id),
    );
    const linesByOrder = Map.groupBy(lines, (line) => line.orderId);
    const changes: StatusChange[] = [];
    for (const order of locked) {
      const lines = linesByOrder.get(order.id) ?? [];
      const scheduled = changeStatus(order, lines, 'SCHEDULED', noteOf.get(order.id)!);
      changes.push(scheduled);
      if (everyLineCompleted(lines)) {
        changes.push(changeStatus(scheduled.order, lines, 'COMPLETE', 'every line completed', scheduled.at));
      }
    }
    await recordStatusChanges(tx, changes);
  });
}

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
 * Records a factory's batch of completions in one transaction (a handful of
 * statements whatever its size). Every completion is checked against its
 * line; one that does not match refuses the whole batch and nothing changes. A repeat
 * changes nothing; a line's production order is never rewritten. The last
 * line of a SCHEDULED order completes the order.
 */
export async function recordCompletions(
  em: EntityManager,
  factory: FactoryId,
  completions: readonly Completion[],
): Promise<BatchOutcome> {
  try {
    return await em.fork().transactional(async (tx) => {
      const orders = await lockOrders(tx, { numbers: [...new Set(completions.map((c) => c.orderNumber))] });
      // Completed and read in one round trip; a refusal below rolls the completion back.
      const { changed, lines } = await completeLines(
        tx,
        orders.map((order) => order.id),
        completions.map(({ lineId, productionOrderId, completedAt }) => ({
          lineId,
          productionOrderId,
          completedAt,
        })),
      );
      const orderIdOf = new Map(orders.map((order) => [order.number, order.id]));
      const lineById = new Map(lines.map((line) => [line.id, line]));
      const lineOf = (completion: Completion) => {
        const line = lineById.get(completion.lineId);
        return line && line.orderId === orderIdOf.get(completion.orderNumber) ? line : undefined;
      };
      for (const [index, completion] of completions.entries()) {
        const refusal = refusalOf(factory, completion, lineOf(completion));
        if (refusal) throw new Refused({ ...refusal, reason: `completions.${index}: ${refusal.reason}` });
      }
      const linesByOrder = Map.groupBy(lines, (line) => line.orderId);
      const changes = orders
        .filter(
          (order) => order.status === 'SCHEDULED' && everyLineCompleted(linesByOrder.get(order.id) ?? []),
        )
        .map((order) => changeStatus(order, linesByOrder.get(order.id)!, 'COMPLETE', 'every line completed'));
      await recordStatusChanges(tx, changes);
      return { recorded: changed.size, repeated: completions.length - changed.size };
    });
  } catch (error) {
    if (error instanceof Refused) return { refused: error.refusal };
    throw error;
  }
}

/** Thrown inside the transaction so that a refused batch changes nothing. */
class Refused extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Refusal) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}
