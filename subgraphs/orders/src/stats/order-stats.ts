import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '#kit/errors.ts';
import { ORDER_STATUSES, type OrderStatus } from '../order/order.entity.ts';
import { PRODUCT_KINDS, type ProductKind } from '#catalogue/products.ts';
import { countByStatus, leadTimesByProduct } from '../order/order-stats.repository.ts';
import { leadTimeHistogram, ordersPerHour, type ProductHourCount } from './order-stats-series.ts';

export interface OrderStats {
  since: Date;
  until: Date;
  byStatus: { status: OrderStatus; count: number }[];
  leadTimes: {
    product: ProductKind;
    completedOrders: number;
    meanSeconds: number | null;
    p95Seconds: number | null;
  }[];
  perHour: ProductHourCount[];
  leadTimeHistogram: { fromSeconds: number; toSeconds: number | null; orders: number }[];
}

const DAY_MS = 24 * 3_600_000;

/** Counts by status of orders placed in the window; lead times of orders completed in it, per product. */
export async function orderStats(
  em: EntityManager,
  since?: Date | null,
  until?: Date | null,
): Promise<OrderStats> {
  const end = until ?? new Date();
  const start = since ?? new Date(end.getTime() - DAY_MS);
  if (start >= end) throw new ValidationError('since', 'must be before until');
  const counts = await countByStatus(em, start, end);
  const leads = await leadTimesByProduct(em, start, end);
  const countOf = new Map(counts.map((row) => [row.status, Number(row.count)]));
  const leadOf = new Map(leads.map((row) => [row.product, row]));
  return {
    since: start,
    until: end,
    byStatus: ORDER_STATUSES.map((status) => ({ status, count: countOf.get(status) ?? 0 })),
    leadTimes: PRODUCT_KINDS.map((product) => {
      const row = leadOf.get(product);
      return {
        product,
        completedOrders: row ? Number(row.n) : 0,
        meanSeconds: row?.mean ?? null,
        p95Seconds: row?.p95 ?? null,
      };
    }),
    perHour: await ordersPerHour(em, start, end),
    leadTimeHistogram: await leadTimeHistogram(em, start, end),
  };
}
