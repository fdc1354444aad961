import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows } from '#kit/sql-query.ts';
import { ORDER_STATUS_CHANGED, type OrderStatusChangedPayload } from '../outbox/outbox-message.ts';
import type { DraftLine } from './order-draft.ts';
import type { OrderLine } from './order-line.entity.ts';
import { toLine, toOrder, type LineRow, type OrderRow, type StoredOrder } from './order-rows.ts';
import { notificationPayloads, ORDER_UPDATED_CHANNEL } from './order-notification.ts';
import { toSnapshot } from './order-snapshot.ts';
import type { OrderSource } from './order.entity.ts';

export type { StoredOrder } from './order-rows.ts';

/**
 * The SQL of placement and of the status changes after it, set-based: a
 * batch of orders costs a few statements, not a few per order (the
 * scheduling pass's own in order-scheduling.repository.ts).
 */

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

/** Every column of `orders.order`, as OrderRow names them. */
const ORDER_COLUMNS = `"id", "number", "client_request_id", "customer_id", "customer_name", "customer_email", "status",
  "source", "placed_at", "scheduled_at", "completed_at", "schedule_attempts", "next_schedule_at",
  "last_schedule_error", "traceparent", "version"`;

/** A line's columns that no update changes, of the table aliased `l`. */
const LINE_KEYS_OF_L = `l."id", l."order_id", l."position", l."product", l."factory", l."quantity", l."attributes"`;

/** A NOTIFY payload's room for the placements of one batch (PostgreSQL refuses 8000 bytes or more). */
const NOTIFY_BYTES = 7000;

/**
 * Stores a batch of placed orders, each with its lines, first history event,
 * outbox message and notification, in one statement (atomic without a
 * transaction; a batch costs one commit and one NOTIFY lock whatever its
 * size). Numbers come from the column's default; ids are drawn first, so
 * each order's rows find their order. An order whose clientRequestId is
 * already taken is not stored: its entry is null.
 */
export async function insertPlacedOrders(
  em: EntityManager,
  orders: readonly NewOrder[],
): Promise<(StoredOrder | null)[]> {
  if (orders.length === 0) return [];
  // A few snapshots per NOTIFY: `group` says which. jsonb's text adds a little to JSON.stringify's.
  let group = 0;
  let bytes = 0;
  const rows = orders.map((order, n) => {
    // The columns the statement takes; the rest of a new order's row is its defaults.
    const placed = {
      client_request_id: order.clientRequestId,
      customer_id: order.customer.id,
      customer_name: order.customer.name,
      customer_email: order.customer.email,
      status: order.status,
      source: order.source,
      placed_at: order.placedAt,
      next_schedule_at: order.status === 'VERIFIED' ? order.placedAt : null,
      traceparent: order.traceparent,
    };
    const snapshot = toSnapshot(
      toOrder({
        ...placed,
        id: 0,
        number: '',
        scheduled_at: null,
        completed_at: null,
        schedule_attempts: 0,
        last_schedule_error: null,
        version: 1,
      }),
      { at: order.placedAt, note: order.note },
    );
    const size = Math.ceil(Buffer.byteLength(JSON.stringify(snapshot)) * 1.2) + 64;
    if (bytes > 0 && bytes + size > NOTIFY_BYTES) [group, bytes] = [group + 1, 0];
    bytes += size;
    return { n, ...placed, lines: order.lines, note: order.note, payload: order.payload, snapshot, group };
  });
  const stored = await queryRows<OrderRow & { n: number }>(
    em,
    `with x as (select nextval('"orders"."order_id_seq"') as "id", r.*
        from jsonb_to_recordset($1::jsonb) as r("n" int, "client_request_id" text, "customer_id" uuid,
          "customer_name" text, "customer_email" text, "status" text, "source" text, "placed_at" timestamptz,
          "next_schedule_at" timestamptz, "traceparent" text, "lines" jsonb, "note" text, "payload" jsonb,
          "snapshot" jsonb, "group" int)),
      o as (insert into "orders"."order" ("id", "client_request_id", "customer_id", "customer_name",
          "customer_email", "status", "source", "placed_at", "schedule_attempts", "next_schedule_at",
          "traceparent", "version")
        select "id", "client_request_id", "customer_id", "customer_name", "customer_email", "status", "source",
          "placed_at", 0, "next_schedule_at", "traceparent", 1 from x order by "id"
        on conflict ("client_request_id") do nothing returning *),
      ox as (select o.*, x."n", x."lines", x."note", x."payload", x."snapshot", x."group"
        from o join x on x."id" = o."id"),
      l as (insert into "orders"."order_line" ("id", "order_id", "position", "product", "factory", "quantity",
          "attributes", "status")
        select y."id", ox."id", y."position", y."product", y."factory", y."quantity", y."attributes", 'PENDING'
        from ox, jsonb_to_recordset(ox."lines") as y("id" uuid, "position" int, "product" text, "factory" text,
          "quantity" int, "attributes" jsonb)),
      e as (insert into "orders"."order_event" ("order_id", "status", "at", "note")
        select "id", "status", "placed_at", "note" from ox order by "id"),
      m as (insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
        select $2, "number", jsonb_set("payload", '{orderNumber}', to_jsonb("number")), clock_timestamp()
        from ox order by "id"),
      notified as (select pg_notify($3, jsonb_agg("snapshot" || jsonb_build_object('id', "id", 'number', "number")
          order by "id")::text) from ox group by "group")
    select ${ORDER_COLUMNS}, "n", (select count(*) from notified) as "notifications" from ox`,
    [JSON.stringify(rows), ORDER_STATUS_CHANGED, ORDER_UPDATED_CHANNEL],
  );
  const byIndex = new Map(stored.map((row) => [Number(row.n), toOrder(row)]));
  return orders.map((_order, n) => byIndex.get(n) ?? null);
}

export const findOrderByClientRequestId = async (em: EntityManager, clientRequestId: string) => {
  const [row] = await em.execute<OrderRow[]>('select * from "orders"."order" where "client_request_id" = ?', [
    clientRequestId,
  ]);
  return row ? toOrder(row) : null;
};

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
  const rows = await queryRows<LineRow & { changed: boolean }>(
    tx,
    `with u as (update "orders"."order_line" as l set "status" = 'COMPLETED', "completed_at" = c."completed_at"
        from jsonb_to_recordset($1::jsonb) as c("line_id" uuid, "production_order_id" text, "completed_at" timestamptz)
        where l."id" = c."line_id" and l."order_id" = any($2::bigint[]) and l."status" <> 'COMPLETED'
          and l."production_order_id" = c."production_order_id"
        returning l."id", l."status", l."completed_at")
    select ${LINE_KEYS_OF_L}, coalesce(u."status", l."status") as "status", l."production_order_id",
        coalesce(u."completed_at", l."completed_at") as "completed_at", u."id" is not null as "changed"
      from "orders"."order_line" l left join u on u."id" = l."id"
      where l."order_id" = any($2::bigint[]) order by l."order_id", l."position"`,
    [
      JSON.stringify(
        completions.map((c) => ({
          line_id: c.lineId,
          production_order_id: c.productionOrderId,
          completed_at: c.completedAt,
        })),
      ),
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
  const notifications = notificationPayloads(changes.map((change) => toSnapshot(change.order, change)));
  await queryRows(
    tx,
    `with o as (update "orders"."order" as o set "status" = x."status", "scheduled_at" = x."scheduled_at",
          "completed_at" = x."completed_at", "next_schedule_at" = x."next_schedule_at",
          "last_schedule_error" = x."last_schedule_error", "version" = x."version"
        from jsonb_to_recordset($1::jsonb) as x("id" bigint, "status" text, "scheduled_at" timestamptz,
          "completed_at" timestamptz, "next_schedule_at" timestamptz, "last_schedule_error" text, "version" int)
        where o."id" = x."id"),
      x as (select (c->>'order_id')::bigint as "order_id", c->>'status' as "status",
          (c->>'at')::timestamptz as "at", c->>'note' as "note", c->>'key' as "key", c->'payload' as "payload", n
        from jsonb_array_elements($2::jsonb) with ordinality as t(c, n)),
      e as (insert into "orders"."order_event" ("order_id", "status", "at", "note")
        select "order_id", "status", "at", "note" from x order by n),
      m as (insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
        select $3, "key", "payload", clock_timestamp() from x order by n)
    select count(pg_notify($4, p)) from jsonb_array_elements_text($5::jsonb) as p`,
    [
      JSON.stringify(orders),
      JSON.stringify(events),
      ORDER_STATUS_CHANGED,
      ORDER_UPDATED_CHANNEL,
      JSON.stringify(notifications),
    ],
  );
}
