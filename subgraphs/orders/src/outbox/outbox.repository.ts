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
    'insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at") values (?, ?, ?, ?)',
    [ORDER_STATUS_CHANGED, payload.orderNumber, JSON.stringify(payload), new Date()],
  );
}

interface OutboxRow {
  id: string | number;
  topic: typeof ORDER_STATUS_CHANGED;
  key: string;
  payload: OrderStatusChangedPayload | string;
  created_at: Date | string;
}

/** The oldest messages `sink` has not acknowledged, in id order. */
export async function undeliveredMessages(
  em: EntityManager,
  sink: string,
  limit: number,
): Promise<OutboxMessage[]> {
  const rows = await em.execute<OutboxRow[]>(
    `select m.* from "orders"."outbox_message" m
      where not exists (select 1 from "orders"."outbox_delivery" d where d.sink = ? and d.message_id = m.id)
      order by m.id limit ?`,
    [sink, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    topic: row.topic,
    key: row.key,
    payload:
      typeof row.payload === 'string' ? (JSON.parse(row.payload) as OrderStatusChangedPayload) : row.payload,
    createdAt: new Date(row.created_at),
  }));
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
 * Records `holder` as the process delivering to `sink` (under the sink's
 * lock); true when that is a change, i.e. another process delivered last.
 */
export async function takeSinkOver(em: EntityManager, sink: string, holder: string): Promise<boolean> {
  const changed = await em.execute<{ sink: string }[]>(
    `insert into "orders"."outbox_sink_holder" ("sink", "holder", "since") values (?, ?, now())
      on conflict ("sink") do update set "holder" = excluded."holder", "since" = now()
      where "outbox_sink_holder"."holder" <> excluded."holder"
      returning "sink"`,
    [sink, holder],
  );
  return changed.length > 0;
}
