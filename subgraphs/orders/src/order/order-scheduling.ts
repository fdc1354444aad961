import { inLinkedSpans } from '#kit/telemetry/trace-context.ts';
import type { MikroORM } from '@mikro-orm/postgresql';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import {
  MAX_REQUESTS_PER_CALL,
  type FactoryClient,
  type ProductionRequest,
} from '../factory/factory-client.ts';
import type { OrderLine } from './order-line.entity.ts';
import { markScheduled } from './order-lifecycle.ts';
import type { StoredOrder } from './order-rows.ts';
import {
  claimDueOrders,
  linkProductionOrders,
  recordScheduleFailures,
} from './order-scheduling.repository.ts';

export interface SchedulingDeps {
  orm: MikroORM;
  factories: FactoryClient;
  logger: Logger;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Orders claimed per pass (at most MAX_REQUESTS_PER_CALL reach one factory in one call). */
  batchSize?: number;
  /** Passes whose factory calls may be out at once: the next claim does not wait for the last answers. */
  maxInFlight?: number;
  /** How long a claim keeps other processes off an order while its requests are in flight. */
  leaseMs?: number;
  /** Called after a batch's orders were marked SCHEDULED. */
  onScheduled?: () => void;
}

export interface SchedulingPass {
  /** Claims due orders and sends them on; true when it claimed a full batch (more may be due). */
  (): Promise<boolean>;
  /** Resolves when every pass already started has recorded its outcome. */
  settled(): Promise<void>;
}

/**
 * Scheduling: claims due VERIFIED orders, sends each factory involved one
 * call carrying all of its requests of the batch, records each factory's
 * receipts as soon as it answers (completion webhooks are checked against
 * them), then marks SCHEDULED, in one transaction, every order all of whose
 * factories confirmed. An order any factory failed stays VERIFIED and is due
 * again after backoffDelay(). Passes are pipelined: a pass returns once its
 * requests are out, up to `maxInFlight` at a time.
 */
export function schedulingPass(deps: SchedulingDeps): SchedulingPass {
  const batchSize = deps.batchSize ?? 200;
  const maxInFlight = deps.maxInFlight ?? 4;
  const leaseMs = deps.leaseMs ?? 60_000;
  const inFlight = new Set<Promise<void>>();

  const pass = async (): Promise<boolean> => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const { orders, lines } = await claimDueOrders(deps.orm.em.fork(), leaseMs, batchSize);
    if (orders.length === 0) return false;
    const running: Promise<void> = scheduleBatch(deps, orders, lines)
      .catch((error: unknown) =>
        deps.logger.error({ err: error }, 'scheduling batch failed; its claims run out'),
      )
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
    // Only a full batch means more are surely due: orders placed meanwhile kicked the loop again.
    return orders.length === batchSize;
  };
  return Object.assign(pass, {
    settled: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  });
}

async function scheduleBatch(deps: SchedulingDeps, orders: StoredOrder[], lines: OrderLine[]): Promise<void> {
  const linesByOrder = Map.groupBy(lines, (line) => line.orderId);
  const orderByNumber = new Map(orders.map((order) => [order.number, order]));
  const failures = new Map<number, string[]>();
  const fail = (orderId: number, reason: string) =>
    failures.set(orderId, [...(failures.get(orderId) ?? []), reason]);
  const confirmedBy = new Map<number, number>();

  await Promise.all(
    [...Map.groupBy(lines, (line) => line.factory)].map(async ([factory, factoryLines]) => {
      const requests: ProductionRequest[] = [...Map.groupBy(factoryLines, (line) => line.orderId)].map(
        ([orderId, own]) => {
          const order = orders.find((candidate) => candidate.id === orderId)!;
          return {
            orderNumber: order.number,
            traceparent: order.traceparent,
            lines: own.map((line) => ({
              lineId: line.id,
              product: line.product,
              quantity: line.quantity,
              attributes: line.attributes,
            })),
          };
        },
      );
      for (let start = 0; start < requests.length; start += MAX_REQUESTS_PER_CALL) {
        const chunk = requests.slice(start, start + MAX_REQUESTS_PER_CALL);
        const outcomes = await inLinkedSpans(
          'orders.production_request',
          'order.production_request',
          chunk.map((request) => request.traceparent),
          () => deps.factories.submitProductionRequests(factory, chunk),
          { 'factory.id': factory },
        ).catch((error: unknown) =>
          chunk.map((request) => ({ orderNumber: request.orderNumber, error: (error as Error).message })),
        );
        const receipts = outcomes.flatMap((outcome) =>
          'productionOrders' in outcome
            ? outcome.productionOrders.map((po) => ({ lineId: po.lineId, factory, productionOrderId: po.id }))
            : [],
        );
        // At once, not when every factory has answered: completion webhooks are checked against this record.
        const recorded = await linkProductionOrders(deps.orm.em.fork(), receipts);
        const differing = receipts.filter(
          (receipt) => recorded.get(receipt.lineId) !== receipt.productionOrderId,
        );
        if (differing.length > 0) {
          deps.logger.warn(
            { factory, differing },
            'factory receipt differs from the recorded one; kept the recorded link',
          );
        }
        for (const outcome of outcomes) {
          const order = orderByNumber.get(outcome.orderNumber)!;
          if ('error' in outcome) fail(order.id, outcome.error);
          else confirmedBy.set(order.id, (confirmedBy.get(order.id) ?? 0) + 1);
        }
      }
    }),
  );

  const retries = orders
    .filter((order) => failures.has(order.id))
    .map((order) => {
      const reason = failures.get(order.id)!.join('; ');
      const delayMs = backoffDelay(order.scheduleAttempts, {
        baseMs: deps.retryBaseMs,
        maxMs: deps.retryMaxMs,
        jitter: 'equal',
      });
      deps.logger.warn(
        { order: order.number, attempt: order.scheduleAttempts + 1, delay: delayMs, reason },
        'scheduling retried later',
      );
      return { orderId: order.id, reason, delayMs };
    });
  await recordScheduleFailures(deps.orm.em.fork(), retries);
  const confirmed = orders
    .filter((order) => !failures.has(order.id) && linesByOrder.has(order.id))
    .map((order) => ({ id: order.id, note: `confirmed by ${confirmedBy.get(order.id) ?? 0} factories` }));
  await markScheduled(deps.orm.em, confirmed);
  if (confirmed.length > 0) deps.onScheduled?.();
}
