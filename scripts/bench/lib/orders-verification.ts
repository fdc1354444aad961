import pg from 'pg';

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Fills the outbox with `count` old messages already delivered to the log
 * sink, to show that what has been delivered does not slow what is new.
 */
export async function seedDeliveredOutbox(databaseUrl: string, count: number): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(
      `insert into "orders"."outbox_message" ("topic", "key", "payload", "created_at")
        select 'order.status_changed', 'SEED-' || g, '{"seeded": true}'::jsonb, now() - interval '2 days'
        from generate_series(1, $1::int) g`,
      [count],
    );
    await client.query(
      `insert into "orders"."outbox_delivery" ("sink", "message_id", "delivered_at")
        select 'log', "id", now() - interval '2 days' from "orders"."outbox_message" where "key" like 'SEED-%'`,
    );
    await client.query('vacuum analyze "orders"."outbox_message", "orders"."outbox_delivery"');
  });
}

/**
 * What must hold after the load: each placed order COMPLETE with history
 * exactly VERIFIED, SCHEDULED, COMPLETE; each of its three outbox messages
 * delivered exactly once to every sink that delivered anything.
 */
export async function verifyOrders(databaseUrl: string, numbers: readonly string[], waitMs = 30_000) {
  return withClient(databaseUrl, async (client) => {
    // The outbox delivers after the change commits: wait (one query a second) until every sink caught up.
    for (const deadline = Date.now() + waitMs; Date.now() < deadline;) {
      const { rows } = await client.query<{ behind: boolean }>(
        `select exists (select 1 from "orders"."outbox_message" m cross join
          (select distinct "sink" from "orders"."outbox_delivery") s
          where m."id" > (select max("message_id") from "orders"."outbox_delivery") - 100000
            and not exists (select 1 from "orders"."outbox_delivery" d
              where d."sink" = s."sink" and d."message_id" = m."id")) as behind`,
      );
      if (!rows[0]!.behind) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const { rows } = await client.query<{
      not_complete: number;
      wrong_history: number;
      outbox_not_once: number;
    }>(
      `with placed as (select o.* from "orders"."order" o where o."number" = any($1::text[])),
        history as (select p."id", string_agg(e."status", ',' order by e."id") as h
          from placed p left join "orders"."order_event" e on e."order_id" = p."id" group by p."id"),
        sinks as (select distinct "sink" from "orders"."outbox_delivery"),
        messages as (select m."id", m."key" from "orders"."outbox_message" m where m."key" = any($1::text[])),
        per_order as (select p."number", count(distinct m."id") as n,
            count(d."message_id") as deliveries
          from placed p left join messages m on m."key" = p."number"
          left join "orders"."outbox_delivery" d on d."message_id" = m."id"
          group by p."number")
      select
        (select count(*) from placed where "status" <> 'COMPLETE')::int
          + ($2::int - (select count(*) from placed)::int) as not_complete,
        (select count(*) from history where h is distinct from 'VERIFIED,SCHEDULED,COMPLETE')::int as wrong_history,
        (select count(*) from per_order where n <> 3 or deliveries <> 3 * (select count(*) from sinks))::int
          as outbox_not_once`,
      [numbers, numbers.length],
    );
    const row = rows[0]!;
    return {
      notComplete: row.not_complete,
      wrongHistory: row.wrong_history,
      outboxNotOnce: row.outbox_not_once,
    };
  });
}
