import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProductKind } from '#catalogue/products.ts';

/** Lower bounds of the lead-time buckets in seconds: fine for test-speed runs, coarse for real ones. */
export const LEAD_TIME_BOUNDS = [0, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;

export interface ProductHourCount {
  hour: Date;
  product: ProductKind;
  orders: number;
}

/** Orders placed in [start, end) per UTC hour and product. */
export async function ordersPerHour(em: EntityManager, start: Date, end: Date): Promise<ProductHourCount[]> {
  const rows = await em.execute<{ hour: Date; product: ProductKind; n: string }[]>(
    `select date_trunc('hour', o."placed_at" at time zone 'UTC') at time zone 'UTC' as "hour",
        l."product", count(distinct o."id") as "n"
      from "orders"."order" o join "orders"."order_line" l on l."order_id" = o."id"
      where o."placed_at" >= ? and o."placed_at" < ?
      group by 1, 2 order by 1, 2`,
    [start, end],
  );
  return rows.map((row) => ({ hour: new Date(row.hour), product: row.product, orders: Number(row.n) }));
}

/** How many orders completed in [start, end) fall in each lead-time bucket (empty buckets included). */
export async function leadTimeHistogram(em: EntityManager, start: Date, end: Date) {
  // width_bucket gives 1 for [0, 1), …, LEAD_TIME_BOUNDS.length for the open last bucket.
  const rows = await em.execute<{ bucket: number; n: string }[]>(
    `select width_bucket(extract(epoch from ("completed_at" - "placed_at"))::float8,
        array[${LEAD_TIME_BOUNDS.join(',')}]::float8[]) as "bucket", count(*) as "n"
      from "orders"."order"
      where "status" = 'COMPLETE' and "completed_at" >= ? and "completed_at" < ?
      group by 1`,
    [start, end],
  );
  const countOf = new Map(rows.map((row) => [Number(row.bucket), Number(row.n)]));
  return LEAD_TIME_BOUNDS.map((fromSeconds, index) => ({
    fromSeconds,
    toSeconds: LEAD_TIME_BOUNDS[index + 1] ?? null,
    orders: countOf.get(index + 1) ?? 0,
  }));
}
