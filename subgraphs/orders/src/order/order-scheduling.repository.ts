import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows } from '#kit/sql-query.ts';
import type { OrderLine } from './order-line.entity.ts';
import { toLine, toOrder, type LineRow, type OrderRow, type StoredOrder } from './order-rows.ts';

/** The scheduling pass's SQL: claims, factory receipts and failed attempts, each set-based. */

/**
 * Claims up to `limit` due VERIFIED orders (skipping those another process
 * holds) by moving their due time `leaseMs` ahead, and returns them with
 * their lines in the same round trip (what scheduling reads of a line never
 * changes after placement).
 */
export async function claimDueOrders(
  em: EntityManager,
  leaseMs: number,
  limit: number,
): Promise<{ orders: StoredOrder[]; lines: OrderLine[] }> {
  const rows = await em.execute<(OrderRow & { lines: LineRow[] | null })[]>(
    `with c as (update "orders"."order" set "next_schedule_at" = now() + (? * interval '1 millisecond')
        where "id" in (select "id" from "orders"."order"
          where "status" = 'VERIFIED' and "next_schedule_at" <= now()
          order by "next_schedule_at" limit ? for update skip locked)
        returning *)
    select c.*, (select jsonb_agg(to_jsonb(l) order by l."position") from "orders"."order_line" l
        where l."order_id" = c."id") as "lines"
      from c order by c."id"`,
    [leaseMs, limit],
  );
  return {
    orders: rows.map(toOrder),
    lines: rows.flatMap((row) => (row.lines ?? []).map(toLine)),
  };
}

/**
 * Links each line to the production order its factory confirmed, the first
 * time only (a linked line is never rewritten). Returns the link each line
 * has now (null for a line that is not the given factory's).
 */
export async function linkProductionOrders(
  em: EntityManager,
  receipts: readonly { lineId: string; factory: string; productionOrderId: string }[],
): Promise<Map<string, string | null>> {
  if (receipts.length === 0) return new Map();
  // The select reads the snapshot from before the update, hence the coalesce.
  const rows = await queryRows<{ line_id: string; recorded: string | null }>(
    em,
    `with r as (select * from jsonb_to_recordset($1::jsonb) as r("line_id" uuid, "factory" text, "production_order_id" text)),
      linked as (
        update "orders"."order_line" as l set "production_order_id" = r."production_order_id",
          "status" = case when l."status" = 'PENDING' then 'REQUESTED' else l."status" end
        from r where l."id" = r."line_id" and l."factory" = r."factory" and l."production_order_id" is null
        returning l."id")
      select r."line_id", case when l."id" is null then null
          else coalesce(l."production_order_id", r."production_order_id") end as "recorded"
        from r left join "orders"."order_line" as l on l."id" = r."line_id" and l."factory" = r."factory"`,
    [
      JSON.stringify(
        receipts.map((r) => ({
          line_id: r.lineId,
          factory: r.factory,
          production_order_id: r.productionOrderId,
        })),
      ),
    ],
  );
  return new Map(rows.map((row) => [row.line_id, row.recorded]));
}

/** Orders that stay VERIFIED after a failed attempt: each gets its error and its own next due time. */
export async function recordScheduleFailures(
  em: EntityManager,
  failures: readonly { orderId: number; reason: string; delayMs: number }[],
): Promise<void> {
  if (failures.length === 0) return;
  await em.execute(
    `update "orders"."order" as o set "schedule_attempts" = o."schedule_attempts" + 1,
        "last_schedule_error" = f."reason", "next_schedule_at" = now() + (f."delay_ms" * interval '1 millisecond')
      from jsonb_to_recordset(?::jsonb) as f("order_id" bigint, "reason" text, "delay_ms" int)
      where o."id" = f."order_id" and o."status" = 'VERIFIED'`,
    [
      JSON.stringify(
        failures.map((f) => ({
          order_id: f.orderId,
          reason: f.reason.slice(0, 2000),
          delay_ms: Math.round(f.delayMs),
        })),
      ),
    ],
  );
}
