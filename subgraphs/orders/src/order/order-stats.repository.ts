import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProductKind } from '#catalogue/products.ts';
import type { OrderStatus } from './order.entity.ts';

/** The SQL behind orderStats (stats/): counts and lead times over a window of placement or completion. */

export const countByStatus = (em: EntityManager, start: Date, end: Date) =>
  em.execute<{ status: OrderStatus; count: string }[]>(
    `select "status", count(*) as "count" from "orders"."order"
      where "placed_at" >= ? and "placed_at" < ? group by "status"`,
    [start, end],
  );

/** Per product: orders completed in [start, end), their mean and p95 lead time (placement → COMPLETE). */
export const leadTimesByProduct = (em: EntityManager, start: Date, end: Date) =>
  em.execute<{ product: ProductKind; n: string; mean: number | null; p95: number | null }[]>(
    `with lead as (
        select distinct o."id", l."product", extract(epoch from (o."completed_at" - o."placed_at")) as "seconds"
          from "orders"."order" o join "orders"."order_line" l on l."order_id" = o."id"
          where o."status" = 'COMPLETE' and o."completed_at" >= ? and o."completed_at" < ?)
      select "product", count(*) as "n", avg("seconds")::float8 as "mean",
        percentile_cont(0.95) within group (order by "seconds")::float8 as "p95"
      from lead group by "product"`,
    [start, end],
  );

/** Orders placed in [start, end) per UTC hour and product. */
export const placedPerHourByProduct = (em: EntityManager, start: Date, end: Date) =>
  em.execute<{ hour: Date; product: ProductKind; n: string }[]>(
    `select date_trunc('hour', o."placed_at" at time zone 'UTC') at time zone 'UTC' as "hour",
        l."product", count(distinct o."id") as "n"
      from "orders"."order" o join "orders"."order_line" l on l."order_id" = o."id"
      where o."placed_at" >= ? and o."placed_at" < ?
      group by 1, 2 order by 1, 2`,
    [start, end],
  );

/** Orders completed in [start, end) per lead-time bucket: width_bucket's 1 for [bounds[0], bounds[1]), … */
export const leadTimeBuckets = (em: EntityManager, start: Date, end: Date, bounds: readonly number[]) =>
  em.execute<{ bucket: number; n: string }[]>(
    `select width_bucket(extract(epoch from ("completed_at" - "placed_at"))::float8,
        array[${bounds.map(Number).join(',')}]::float8[]) as "bucket", count(*) as "n"
      from "orders"."order"
      where "status" = 'COMPLETE' and "completed_at" >= ? and "completed_at" < ?
      group by 1`,
    [start, end],
  );
