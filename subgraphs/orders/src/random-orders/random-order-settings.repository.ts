import type { EntityManager } from '@mikro-orm/postgresql';

export interface RandomOrderSettings {
  enabled: boolean;
  every: string;
  everyMs: number;
  nextRunAt: Date | null;
}

interface Row {
  enabled: boolean;
  every: string;
  every_ms: string | number;
  next_run_at: Date | string | null;
}

const toSettings = (row: Row): RandomOrderSettings => ({
  enabled: row.enabled,
  every: row.every,
  everyMs: Number(row.every_ms),
  nextRunAt: row.next_run_at ? new Date(row.next_run_at) : null,
});

const TABLE = '"orders"."random_order_settings"';

/** The first start-up seeds the settings from RANDOM_ORDERS_EVERY; later changes persist across restarts. */
export async function seedSettings(
  em: EntityManager,
  seed: { enabled: boolean; every: string; everyMs: number },
) {
  await em.execute(
    `insert into ${TABLE} ("id", "enabled", "every", "every_ms", "next_run_at", "updated_at")
      values (1, ?, ?, ?, case when ? then now() + (? * interval '1 millisecond') end, now()) on conflict ("id") do nothing`,
    [seed.enabled, seed.every, seed.everyMs, seed.enabled, seed.everyMs],
  );
}

export async function readSettings(em: EntityManager): Promise<RandomOrderSettings> {
  const [row] = await em.execute<Row[]>(`select * from ${TABLE} where "id" = 1`);
  return row ? toSettings(row) : { enabled: false, every: 'off', everyMs: 0, nextRunAt: null };
}

export async function writeSettings(em: EntityManager, enabled: boolean, every: string, everyMs: number) {
  const [row] = await em.execute<Row[]>(
    `insert into ${TABLE} ("id", "enabled", "every", "every_ms", "next_run_at", "updated_at")
      values (1, ?, ?, ?, case when ? then now() + (? * interval '1 millisecond') end, now())
      on conflict ("id") do update set "enabled" = excluded."enabled", "every" = excluded."every",
        "every_ms" = excluded."every_ms", "next_run_at" = excluded."next_run_at", "updated_at" = now()
      returning *`,
    [enabled, every, everyMs, enabled, everyMs],
  );
  return toSettings(row!);
}

/**
 * Claims the due run, if any, by moving next_run_at on: of several
 * processes exactly one wins each run.
 */
export async function claimDueRun(em: EntityManager): Promise<boolean> {
  const rows = await em.execute<Row[]>(
    `update ${TABLE} set "next_run_at" = now() + ("every_ms" * interval '1 millisecond')
      where "id" = 1 and "enabled" and "next_run_at" <= now() returning *`,
  );
  return rows.length > 0;
}
