import type { MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { Logger } from '#kit/logger.ts';
import type { FactoryClient, ProductionRequestLine } from '../factory/factory-client.ts';
import { OrderLineSchema } from '../order/order-line.entity.ts';
import { recordStatusChange } from '../order/order-transitions.ts';
import { OrderSchema } from '../order/order.entity.ts';
import { backoffDelay } from '#kit/backoff.ts';

export interface SchedulingDeps {
  orm: MikroORM;
  factories: FactoryClient;
  logger: Logger;
  retryBaseMs: number;
  retryMaxMs: number;
  batchSize?: number;
  /** How long a claim keeps other processes off an order while its requests are in flight. */
  leaseMs?: number;
}

/**
 * One pass of the scheduling job: claims due VERIFIED orders, sends one
 * production request per factory involved, and marks an order SCHEDULED
 * once every factory has confirmed. Returns true when the batch was full.
 */
export function schedulingPass(deps: SchedulingDeps) {
  const batchSize = deps.batchSize ?? 25;
  const leaseMs = deps.leaseMs ?? 60_000;
  return async (): Promise<boolean> => {
    const em = deps.orm.em.fork();
    const claimed = await em.execute<{ id: string | number }[]>(
      `update "orders"."order" set "next_schedule_at" = now() + (? * interval '1 millisecond')
        where "id" in (select "id" from "orders"."order"
          where "status" = 'VERIFIED' and "next_schedule_at" <= now()
          order by "next_schedule_at" limit ? for update skip locked)
        returning "id"`,
      [leaseMs, batchSize],
    );
    await Promise.all(claimed.map((row) => scheduleOrder(deps, Number(row.id))));
    return claimed.length === batchSize;
  };
}

async function scheduleOrder(deps: SchedulingDeps, orderId: number): Promise<void> {
  const em = deps.orm.em.fork();
  const order = await em.findOneOrFail(OrderSchema, { id: orderId });
  const lines = await em.find(OrderLineSchema, { orderId }, { orderBy: { position: 'asc' } });
  const byFactory = Map.groupBy(lines, (line) => line.factory);
  const results = await Promise.allSettled(
    [...byFactory].map(async ([factory, factoryLines]) => {
      const request: ProductionRequestLine[] = factoryLines.map((line) => ({
        lineId: line.id,
        product: line.product,
        quantity: line.quantity,
        attributes: line.attributes,
      }));
      const receipt = await deps.factories.submitProductionRequest(factory, order.number, request);
      // At once, not when every factory has answered: completion webhooks are checked against this record.
      await recordReceipt(deps, factory, receipt.productionOrders);
      return receipt.productionOrders;
    }),
  );
  const failures = results.filter((result) => result.status === 'rejected');
  if (failures.length > 0) {
    const reason = failures.map((failure) => String((failure.reason as Error).message)).join('; ');
    const delay = backoffDelay(order.scheduleAttempts, {
      baseMs: deps.retryBaseMs,
      maxMs: deps.retryMaxMs,
      jitter: 'equal',
    });
    deps.logger.warn(
      { order: order.number, attempt: order.scheduleAttempts + 1, delay, reason },
      'scheduling retried later',
    );
    await em.execute(
      `update "orders"."order" set "schedule_attempts" = "schedule_attempts" + 1, "last_schedule_error" = ?,
        "next_schedule_at" = now() + (? * interval '1 millisecond') where "id" = ? and "status" = 'VERIFIED'`,
      [reason.slice(0, 2000), delay, orderId],
    );
    return;
  }
  const confirmed = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  await markScheduled(deps.orm, orderId, confirmed);
}

/**
 * Records which production order each line became at `factory`, the first
 * time only: a line's link is never rewritten (a differing later receipt is
 * logged and ignored).
 */
async function recordReceipt(
  deps: SchedulingDeps,
  factory: string,
  receipts: { id: string; lineId: string }[],
) {
  if (receipts.length === 0) return;
  // Only unlinked lines are written (and locked): a linked line is left alone, so its link never changes.
  // The select reads the snapshot from before the update, hence the coalesce.
  const rows = await deps.orm.em.fork().execute<{ line_id: string; recorded: string | null }[]>(
    `with r as (select * from jsonb_to_recordset(?::jsonb) as r("line_id" uuid, "production_order_id" text)),
      linked as (
        update "orders"."order_line" as l set "production_order_id" = r."production_order_id",
          "status" = case when l."status" = 'PENDING' then 'REQUESTED' else l."status" end
        from r where l."id" = r."line_id" and l."factory" = ? and l."production_order_id" is null
        returning l."id")
      select r."line_id", case when l."id" is null then null
          else coalesce(l."production_order_id", r."production_order_id") end as "recorded"
        from r left join "orders"."order_line" as l on l."id" = r."line_id" and l."factory" = ?`,
    [
      JSON.stringify(receipts.map((r) => ({ line_id: r.lineId, production_order_id: r.id }))),
      factory,
      factory,
    ],
  );
  const recorded = new Map(rows.map((row) => [row.line_id, row.recorded]));
  const differing = receipts.filter((receipt) => recorded.get(receipt.lineId) !== receipt.id);
  if (differing.length > 0) {
    deps.logger.warn(
      { factory, differing },
      'factory receipt differs from the recorded one; kept the recorded link',
    );
  }
}

/** Every factory confirmed: SCHEDULED, and COMPLETE too if the factories were quicker than us. */
async function markScheduled(orm: MikroORM, orderId: number, confirmed: { id: string; lineId: string }[][]) {
  await orm.em.fork().transactional(async (tx) => {
    const order = await tx.findOneOrFail(
      OrderSchema,
      { id: orderId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (order.status !== 'VERIFIED') return;
    const lines = await tx.find(OrderLineSchema, { orderId });
    const productionOrderOf = new Map(confirmed.flat().map((receipt) => [receipt.lineId, receipt.id]));
    for (const line of lines) {
      if (line.status === 'PENDING') line.status = 'REQUESTED';
      line.productionOrderId ??= productionOrderOf.get(line.id) ?? null;
    }
    order.nextScheduleAt = null;
    order.lastScheduleError = null;
    await recordStatusChange(
      tx,
      order,
      'SCHEDULED',
      'VERIFIED',
      `confirmed by ${confirmed.length} factories`,
    );
    if (lines.every((line) => line.status === 'COMPLETED')) {
      await recordStatusChange(tx, order, 'COMPLETE', 'SCHEDULED', 'every line completed');
    }
  });
}
