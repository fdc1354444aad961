import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ORDER_STATUS_CHANGED,
  type OrderStatusChangedPayload,
  type OutboxMessage,
} from './outbox-message.ts';

/** Writes a message in the caller's transaction, beside the change it announces. */
export async function appendOutboxMessage(
  tx: EntityManager,
  payload: OrderStatusChangedPayload,
): Promise<void> {
  await tx.execute(
    `insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
      values (?, ?, ?, clock_timestamp())`,
    [ORDER_STATUS_CHANGED, payload.orderNumber, JSON.stringify(payload)],
  );
}

interface OutboxRow {
  id: string | number;
  topic: typeof ORDER_STATUS_CHANGED;
  key: string;
  payload: OrderStatusChangedPayload | string;
  created_at: Date | string;
}

/**
 * How long after its insert an outbox message is surely committed or rolled
 * back: every transaction that writes one commits right after that statement
 * (recordStatusChanges is the last statement of its transaction).
 */
export const OUTBOX_SETTLE_SECONDS = 5;

/**
 * The oldest messages `sink` has not acknowledged, in id order, from the
 * sink's low-water mark on: everything below it is delivered, so what was
 * delivered long ago is never scanned again. When there are some, `holder`
 * is recorded as the process delivering to `sink` (under the sink's lock)
 * in the same statement; `takenOver` is true when that is a change, i.e.
 * another process delivered last.
 */
export async function takeUndeliveredMessages(
  em: EntityManager,
  sink: string,
  holder: string,
  limit: number,
): Promise<{ messages: OutboxMessage[]; takenOver: boolean }> {
  const rows = await em.execute<(OutboxRow & { taken_over: boolean })[]>(
    `with m as (select m.* from "orders"."outbox_message" m
        where m.id >= coalesce((select "low_water" from "orders"."outbox_sink_mark" where "sink" = ?), 0)
          and not exists (select 1 from "orders"."outbox_delivery" d where d.sink = ? and d.message_id = m.id)
        order by m.id limit ?),
      h as (insert into "orders"."outbox_sink_holder" ("sink", "holder", "since")
          select ?, ?, now() where exists (select 1 from m)
        on conflict ("sink") do update set "holder" = excluded."holder", "since" = now()
          where "outbox_sink_holder"."holder" <> excluded."holder"
        returning "sink")
    select m.*, exists (select 1 from h) as "taken_over" from m order by m.id`,
    [sink, sink, limit, sink, holder],
  );
  const messages = rows.map((row) => ({
    id: String(row.id),
    topic: row.topic,
    key: row.key,
    payload:
      typeof row.payload === 'string' ? (JSON.parse(row.payload) as OrderStatusChangedPayload) : row.payload,
    createdAt: new Date(row.created_at),
  }));
  return { messages, takenOver: rows[0]?.taken_over === true };
}

export async function markDelivered(
  em: EntityManager,
  sink: string,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  // MikroORM expands an array parameter into a list, so `in (?)` (not `?::bigint[]`).
  await em.execute(
    `insert into "orders"."outbox_delivery" ("sink", "message_id", "delivered_at")
      select ?, "id", now() from "orders"."outbox_message" where "id" in (?) on conflict do nothing`,
    [sink, messages.map((message) => message.id)],
  );
}

/**
 * Moves the sink's low-water mark up to its oldest undelivered message, but
 * never past an id that a transaction still open may commit. Two rules, both
 * kept: never above the newest message older than OUTBOX_SETTLE_SECONDS, and
 * never above the candidate (the end of the ids seen at an earlier advance)
 * until every transaction that was running at that advance has ended (its
 * xmax is below the oldest running one). The second holds even when a commit
 * stalls for seconds on a loaded machine; each advance that may, takes a new
 * candidate.
 */
export async function advanceLowWater(em: EntityManager, sink: string): Promise<void> {
  await em.execute(
    `with cur as (select coalesce(k."low_water", 0) as lw, k."candidate", k."candidate_xmax", pg_current_snapshot() as snap
        from (select 1) as one left join "orders"."outbox_sink_mark" k on k."sink" = ?),
      proven as (select cur.*, coalesce(pg_snapshot_xmin(cur.snap) >= cur."candidate_xmax", false) as ended from cur),
      next as (select greatest(p.lw, least(
          (select min(m.id) from "orders"."outbox_message" m where m.id >= p.lw and not exists
            (select 1 from "orders"."outbox_delivery" d where d.sink = ? and d.message_id = m.id)),
          coalesce((select max(m.id) + 1 from "orders"."outbox_message" m where m.id >= p.lw
            and m.created_at <= clock_timestamp() - (? * interval '1 second')), p.lw),
          case when p.ended then p."candidate" else p.lw end)) as lw,
        case when p.ended or p."candidate" is null
          then coalesce((select max(m.id) + 1 from "orders"."outbox_message" m where m.id >= p.lw), p.lw)
          else p."candidate" end as candidate,
        case when p.ended or p."candidate" is null then pg_snapshot_xmax(p.snap) else p."candidate_xmax" end
          as candidate_xmax
        from proven p)
    insert into "orders"."outbox_sink_mark" ("sink", "low_water", "candidate", "candidate_xmax")
      select ?, lw, candidate, candidate_xmax from next
    on conflict ("sink") do update set "low_water" = greatest("outbox_sink_mark"."low_water", excluded."low_water"),
      "candidate" = excluded."candidate", "candidate_xmax" = excluded."candidate_xmax"`,
    [sink, sink, OUTBOX_SETTLE_SECONDS, sink],
  );
}
