import type { MikroORM } from '@mikro-orm/postgresql';
import { OrderSchema, type Order } from '../order/order.entity.ts';

/** Orders with a status event at or after `since` (every status change writes one), oldest first. */
export function ordersChangedSince(orm: MikroORM, limit = 1000) {
  return async (since: Date): Promise<Order[]> => {
    const em = orm.em.fork();
    const rows = await em.execute<{ order_id: string | number }[]>(
      'select distinct "order_id" from "orders"."order_event" where "at" >= ? limit ?',
      [since, limit],
    );
    if (rows.length === 0) return [];
    const ids = rows.map((row) => Number(row.order_id));
    return em.find(OrderSchema, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
  };
}
