import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderEvent } from './order-event.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { OrderStatus } from './order.entity.ts';
import {
  toEvent,
  toLine,
  toOrder,
  type EventRow,
  type LineRow,
  type OrderRow,
  type StoredOrder,
} from './order-rows.ts';

/**
 * The SQL of the read path: pages of orders, their lines and history, orders by number.
 * Plain rows mapped to read-only copies, not managed entities: every page the
 * gateway shows reads here, and MikroORM's hydration and identity map cost
 * more than the queries (a third of the orders process on a page's fetch).
 */

export interface OrderRowFilter {
  status?: OrderStatus | null | undefined;
  customerId?: string | null | undefined;
  placedAfter?: Date | null | undefined;
  placedBefore?: Date | null | undefined;
}

const whereOf = (filter: OrderRowFilter, beforeId?: number) => {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => (conditions.push(condition), params.push(value));
  if (filter.status) add('"status" = ?', filter.status);
  if (filter.customerId) add('"customer_id" = ?', filter.customerId);
  if (filter.placedAfter) add('"placed_at" >= ?', filter.placedAfter);
  if (filter.placedBefore) add('"placed_at" < ?', filter.placedBefore);
  if (beforeId !== undefined) add('"id" < ?', beforeId);
  return { sql: conditions.length ? `where ${conditions.join(' and ')}` : '', params };
};

export async function countOrders(em: EntityManager, filter: OrderRowFilter): Promise<number> {
  const { sql, params } = whereOf(filter);
  const [row] = await em.execute<{ count: string }[]>(
    `select count(*) as "count" from "orders"."order" ${sql}`,
    params,
  );
  return Number(row?.count ?? 0);
}

/** Up to `limit` orders matching `filter`, newest first, below `beforeId` when given. */
export async function findOrderRows(
  em: EntityManager,
  filter: OrderRowFilter,
  limit: number,
  beforeId?: number,
): Promise<StoredOrder[]> {
  const { sql, params } = whereOf(filter, beforeId);
  const rows = await em.execute<OrderRow[]>(
    `select * from "orders"."order" ${sql} order by "id" desc limit ?`,
    [...params, limit],
  );
  return rows.map(toOrder);
}

/** The lines of these orders, in order and position order (one query). */
export async function findLinesOfOrders(
  em: EntityManager,
  orderIds: readonly number[],
): Promise<OrderLine[]> {
  if (orderIds.length === 0) return [];
  const rows = await em.execute<LineRow[]>(
    `select * from "orders"."order_line" where "order_id" in (?) order by "order_id", "position"`,
    [[...orderIds]],
  );
  return rows.map(toLine);
}

export async function findOrdersByNumbers(
  em: EntityManager,
  numbers: readonly string[],
): Promise<StoredOrder[]> {
  if (numbers.length === 0) return [];
  const rows = await em.execute<OrderRow[]>(`select * from "orders"."order" where "number" in (?)`, [
    [...numbers],
  ]);
  return rows.map(toOrder);
}

/** The history of these orders, oldest first (one query). */
export async function findHistoryOfOrders(
  em: EntityManager,
  orderIds: readonly number[],
): Promise<OrderEvent[]> {
  if (orderIds.length === 0) return [];
  const rows = await em.execute<EventRow[]>(
    `select * from "orders"."order_event" where "order_id" in (?) order by "id"`,
    [[...orderIds]],
  );
  return rows.map(toEvent);
}
