import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProductKind } from '#catalogue/products.ts';
import { ORDER_STATUS_CHANGED, type OrderStatusChangedPayload } from '../outbox/outbox-message.ts';
import type { DraftLine } from './order-draft.ts';
import type { OrderLine } from './order-line.entity.ts';
import { notificationPayloads, ORDER_UPDATED_CHANNEL } from './order-notification.ts';
import { toSnapshot } from './order-snapshot.ts';
import type { Order, OrderSource, OrderStatus } from './order.entity.ts';

/**
 * All SQL of the order lifecycle (placement, scheduling, completion), set-based:
 * a batch of orders costs a few statements, not a few per order.
 */

interface OrderRow {
  id: string | number;
  number: string;
  client_request_id: string | null;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  status: OrderStatus;
  source: OrderSource;
  placed_at: Date | string;
  scheduled_at: Date | string | null;
  completed_at: Date | string | null;
  schedule_attempts: number;
  next_schedule_at: Date | string | null;
  last_schedule_error: string | null;
  traceparent: string | null;
  version: number;
}

interface LineRow {
  id: string;
  order_id: string | number;
  position: number;
  product: ProductKind;
  factory: string;
  quantity: number;
  attributes: Record<string, unknown>;
  status: OrderLine['status'];
  production_order_id: string | null;
  completed_at: Date | string | null;
}

const date = (value: Date | string | null) => (value === null ? null : new Date(value));

export const toOrder = (row: OrderRow): Order =>
  ({
    id: Number(row.id),
    number: row.number,
    clientRequestId: row.client_request_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    status: row.status,
    source: row.source,
    placedAt: new Date(row.placed_at),
    scheduledAt: date(row.scheduled_at),
    completedAt: date(row.completed_at),
    scheduleAttempts: row.schedule_attempts,
    nextScheduleAt: date(row.next_schedule_at),
    lastScheduleError: row.last_schedule_error,
    traceparent: row.traceparent,
    version: row.version,
  }) as Order;

const toLine = (row: LineRow): OrderLine => ({
  id: row.id,
  orderId: Number(row.order_id),
  position: row.position,
  product: row.product,
  factory: row.factory,
  quantity: row.quantity,
  attributes: row.attributes,
  status: row.status,
  productionOrderId: row.production_order_id,
  completedAt: date(row.completed_at),
});

export type StoredOrder = ReturnType<typeof toOrder>;

/** One status change to record: the order as it is right after it (its own copy) and its message. */
export interface StatusChange {
  order: StoredOrder;
  at: Date;
  note: string | null;
  payload: OrderStatusChangedPayload;
}

export interface NewOrder {
  clientRequestId: string | null;
  customer: { id: string; name: string; email: string };
  status: 'VERIFIED' | 'REJECTED';
  source: OrderSource;
  placedAt: Date;
  traceparent: string | null;
  lines: readonly DraftLine[];
  note: string;
  /** The outbox payload without its order number, which the database assigns. */
  payload: OrderStatusChangedPayload;
}

/** A line's columns that no update changes, of the table aliased `l`. */
const LINE_KEYS_OF_L = `l."id", l."order_id", l."position", l."product", l."factory", l."quantity", l."attributes"`;

/**
 * Stores a placed order, its lines, its first history event, its outbox
 * message and its notification in one statement (atomic without a
 * transaction). The number comes from the column's default.
 */
export async function insertPlacedOrder(em: EntityManager, order: NewOrder): Promise<StoredOrder> {
  const snapshot = toSnapshot({
    ...toOrder({
      id: 0,
      number: '',
      client_request_id: order.clientRequestId,
      customer_id: order.customer.id,
      customer_name: order.customer.name,
      customer_email: order.customer.email,
      status: order.status,
      source: order.source,
      placed_at: order.placedAt,
      scheduled_at: null,
      completed_at: null,
      schedule_attempts: 0,
      next_schedule_at: order.status === 'VERIFIED' ? order.placedAt : null,
      last_schedule_error: null,
      traceparent: order.traceparent,
      version: 1,
    }),
  });
  const [row] = await em.execute<(OrderRow & { notified: unknown })[]>(
    `with o as (insert into "orders"."order" ("client_request_id", "customer_id", "customer_name",
          "customer_email", "status", "source", "placed_at", "schedule_attempts", "next_schedule_at",
          "traceparent", "version")
        values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 1) returning *),
      l as (insert into "orders"."order_line" ("id", "order_id", "position", "product", "factory", "quantity",
          "attributes", "status")
        select x."id", o."id", x."position", x."product", x."factory", x."quantity", x."attributes", 'PENDING'
        from o, jsonb_to_recordset(?::jsonb) as x("id" uuid, "position" int, "product" text, "factory" text,
          "quantity" int, "attributes" jsonb)),
      e as (insert into "orders"."order_event" ("order_id", "status", "at", "note")
        select o."id", o."status", o."placed_at", ? from o),
      m as (insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
        select ?, o."number", jsonb_set(?::jsonb, '{orderNumber}', to_jsonb(o."number")), clock_timestamp() from o)
    select o.*, pg_notify(?, jsonb_build_array(?::jsonb || jsonb_build_object('id', o."id", 'number', o."number"))::text)
      as notified from o`,
    [
      order.clientRequestId,
      order.customer.id,
      order.customer.name,
      order.customer.email,
      order.status,
      order.source,
      order.placedAt,
      order.status === 'VERIFIED' ? order.placedAt : null,
      order.traceparent,
      JSON.stringify(order.lines),
      order.note,
      ORDER_STATUS_CHANGED,
      JSON.stringify(order.payload),
      ORDER_UPDATED_CHANNEL,
      JSON.stringify(snapshot),
    ],
  );
  return toOrder(row!);
}

export const findOrderByClientRequestId = async (em: EntityManager, clientRequestId: string) => {
  const [row] = await em.execute<OrderRow[]>('select * from "orders"."order" where "client_request_id" = ?', [
    clientRequestId,
  ]);
  return row ? toOrder(row) : null;
};

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
  const rows = await em.execute<{ line_id: string; recorded: string | null }[]>(
    `with r as (select * from jsonb_to_recordset(?::jsonb) as r("line_id" uuid, "factory" text, "production_order_id" text)),
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

/** Locks these orders (in id order, so two batches cannot deadlock) for the caller's transaction. */
export async function lockOrders(
  tx: EntityManager,
  by: { ids: readonly number[] } | { numbers: readonly string[] },
): Promise<StoredOrder[]> {
  const [column, values] = 'ids' in by ? ['id', by.ids] : ['number', by.numbers];
  if (values.length === 0) return [];
  const rows = await tx.execute<OrderRow[]>(
    `select * from "orders"."order" where "${column}" in (?) order by "id" for update`,
    [values],
  );
  return rows.map(toOrder);
}

/**
 * Every still-PENDING line of these orders becomes REQUESTED; returns all
 * their lines as they are now, in order and position order (one round trip).
 */
export async function markLinesRequested(
  tx: EntityManager,
  orderIds: readonly number[],
): Promise<OrderLine[]> {
  if (orderIds.length === 0) return [];
  // The select sees the snapshot from before the update: the updated lines come from its RETURNING.
  const rows = await tx.execute<LineRow[]>(
    `with u as (update "orders"."order_line" set "status" = 'REQUESTED'
        where "order_id" in (?) and "status" = 'PENDING' returning "id", "status")
    select ${LINE_KEYS_OF_L}, coalesce(u."status", l."status") as "status", l."production_order_id", l."completed_at"
      from "orders"."order_line" l left join u on u."id" = l."id"
      where l."order_id" in (?) order by l."order_id", l."position"`,
    [orderIds, orderIds],
  );
  return rows.map(toLine);
}

/**
 * Marks these lines of `orderIds` COMPLETED at their times (lines already
 * COMPLETED are left alone, and so is a line not linked to the completion's
 * production order: it is refused, and an update would only hold its row
 * lock against the scheduler linking it) and returns the ids changed and every line of `orderIds` as it
 * is now, in one round trip.
 */
export async function completeLines(
  tx: EntityManager,
  orderIds: readonly number[],
  completions: readonly { lineId: string; productionOrderId: string; completedAt: string }[],
): Promise<{ changed: Set<string>; lines: OrderLine[] }> {
  if (orderIds.length === 0) return { changed: new Set(), lines: [] };
  // As above: the select sees the lines from before the update, so the changed ones are taken from u.
  const rows = await tx.execute<(LineRow & { changed: boolean })[]>(
    `with u as (update "orders"."order_line" as l set "status" = 'COMPLETED', "completed_at" = c."completed_at"
        from jsonb_to_recordset(?::jsonb) as c("line_id" uuid, "production_order_id" text, "completed_at" timestamptz)
        where l."id" = c."line_id" and l."order_id" in (?) and l."status" <> 'COMPLETED'
          and l."production_order_id" = c."production_order_id"
        returning l."id", l."status", l."completed_at")
    select ${LINE_KEYS_OF_L}, coalesce(u."status", l."status") as "status", l."production_order_id",
        coalesce(u."completed_at", l."completed_at") as "completed_at", u."id" is not null as "changed"
      from "orders"."order_line" l left join u on u."id" = l."id"
      where l."order_id" in (?) order by l."order_id", l."position"`,
    [
      JSON.stringify(
        completions.map((c) => ({
          line_id: c.lineId,
          production_order_id: c.productionOrderId,
          completed_at: c.completedAt,
        })),
      ),
      orderIds,
      orderIds,
    ],
  );
  return {
    changed: new Set(rows.filter((row) => row.changed).map((row) => row.id)),
    lines: rows.map(toLine),
  };
}

/**
 * Writes the orders' new columns, then each change's history event and
 * outbox message and the notifications (a few orders per NOTIFY, see
 * order-notification.ts), in the caller's transaction: one statement for a
 * whole batch. Changes of one order come in the order they happened.
 */
export async function recordStatusChanges(
  tx: EntityManager,
  changes: readonly StatusChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const finalOf = new Map(changes.map((change) => [change.order.id, change.order]));
  const orders = [...finalOf.values()].map((order) => ({
    id: order.id,
    status: order.status,
    scheduled_at: order.scheduledAt,
    completed_at: order.completedAt,
    next_schedule_at: order.nextScheduleAt,
    last_schedule_error: order.lastScheduleError,
    version: order.version,
  }));
  const events = changes.map((change) => ({
    order_id: change.order.id,
    status: change.payload.status,
    at: change.at,
    note: change.note,
    key: change.order.number,
    payload: change.payload,
  }));
  const notifications = notificationPayloads(changes.map((change) => toSnapshot(change.order)));
  await tx.execute(
    `with o as (update "orders"."order" as o set "status" = x."status", "scheduled_at" = x."scheduled_at",
          "completed_at" = x."completed_at", "next_schedule_at" = x."next_schedule_at",
          "last_schedule_error" = x."last_schedule_error", "version" = x."version"
        from jsonb_to_recordset(?::jsonb) as x("id" bigint, "status" text, "scheduled_at" timestamptz,
          "completed_at" timestamptz, "next_schedule_at" timestamptz, "last_schedule_error" text, "version" int)
        where o."id" = x."id"),
      x as (select (c->>'order_id')::bigint as "order_id", c->>'status' as "status",
          (c->>'at')::timestamptz as "at", c->>'note' as "note", c->>'key' as "key", c->'payload' as "payload", n
        from jsonb_array_elements(?::jsonb) with ordinality as t(c, n)),
      e as (insert into "orders"."order_event" ("order_id", "status", "at", "note")
        select "order_id", "status", "at", "note" from x order by n),
      m as (insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
        select ?, "key", "payload", clock_timestamp() from x order by n)
    select count(pg_notify(?, p)) from jsonb_array_elements_text(?::jsonb) as p`,
    [
      JSON.stringify(orders),
      JSON.stringify(events),
      ORDER_STATUS_CHANGED,
      ORDER_UPDATED_CHANNEL,
      JSON.stringify(notifications),
    ],
  );
}
