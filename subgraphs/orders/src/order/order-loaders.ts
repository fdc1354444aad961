import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderEvent } from './order-event.entity.ts';
import type { OrderLine } from './order-line.entity.ts';
import type { Order } from './order.entity.ts';
import { findHistoryOfOrders, findLinesOfOrders, findOrdersByNumbers } from './order-reads.repository.ts';

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
    linesByOrderId: new DataLoader(async (ids) => grouped(ids, await findLinesOfOrders(em, ids))),
    historyByOrderId: new DataLoader(async (ids) => grouped(ids, await findHistoryOfOrders(em, ids))),
    orderByNumber: new DataLoader(async (numbers) => {
      const rows = await findOrdersByNumbers(em, numbers);
      const byNumber = new Map(rows.map((row) => [row.number, row]));
      return numbers.map((number) => byNumber.get(number) ?? null);
    }),
  };
}
