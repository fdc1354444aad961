import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrderEventSchema, type OrderEvent } from './order-event.entity.ts';
import { OrderLineSchema, type OrderLine } from './order-line.entity.ts';
import { OrderSchema, type Order } from './order.entity.ts';

export interface OrderLoaders {
  linesByOrderId: DataLoader<number, OrderLine[]>;
  historyByOrderId: DataLoader<number, OrderEvent[]>;
  orderByNumber: DataLoader<string, Order | null>;
}

const grouped = <T extends { orderId: number }>(ids: readonly number[], rows: T[]) => {
  const byId = Map.groupBy(rows, (row) => Number(row.orderId));
  return ids.map((id) => byId.get(id) ?? []);
};

/** Per-request batching: N orders' lines or history in one query each. */
export function createOrderLoaders(em: EntityManager): OrderLoaders {
  return {
    linesByOrderId: new DataLoader(async (ids) =>
      grouped(
        ids,
        await em.find(OrderLineSchema, { orderId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }),
      ),
    ),
    historyByOrderId: new DataLoader(async (ids) =>
      grouped(
        ids,
        await em.find(OrderEventSchema, { orderId: { $in: [...ids] } }, { orderBy: { id: 'asc' } }),
      ),
    ),
    orderByNumber: new DataLoader(async (numbers) => {
      const rows = await em.find(OrderSchema, { number: { $in: [...numbers] } });
      const byNumber = new Map(rows.map((row) => [row.number, row]));
      return numbers.map((number) => byNumber.get(number) ?? null);
    }),
  };
}
