import type { EntityManager } from '@mikro-orm/postgresql';
import type { ProductKind } from '#catalogue/products.ts';
import { leadTimeBuckets, placedPerHourByProduct } from '../order/order-stats.repository.ts';

/** Lower bounds of the lead-time buckets in seconds: fine for test-speed runs, coarse for real ones. */
export const LEAD_TIME_BOUNDS = [0, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] as const;

export interface ProductHourCount {
  hour: Date;
  product: ProductKind;
  orders: number;
}

/** Orders placed in [start, end) per UTC hour and product. */
export async function ordersPerHour(em: EntityManager, start: Date, end: Date): Promise<ProductHourCount[]> {
  const rows = await placedPerHourByProduct(em, start, end);
  return rows.map((row) => ({ hour: new Date(row.hour), product: row.product, orders: Number(row.n) }));
}

/** How many orders completed in [start, end) fall in each lead-time bucket (empty buckets included). */
export async function leadTimeHistogram(em: EntityManager, start: Date, end: Date) {
  // Bucket 1 is [0, 1), …, LEAD_TIME_BOUNDS.length the open last one.
  const rows = await leadTimeBuckets(em, start, end, LEAD_TIME_BOUNDS);
  const countOf = new Map(rows.map((row) => [Number(row.bucket), Number(row.n)]));
  return LEAD_TIME_BOUNDS.map((fromSeconds, index) => ({
    fromSeconds,
    toSeconds: LEAD_TIME_BOUNDS[index + 1] ?? null,
    orders: countOf.get(index + 1) ?? 0,
  }));
}
