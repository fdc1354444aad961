import type { Db } from 'mongodb';
import { FACTORY_NAMES, type FactoryId } from './factories.ts';

export const PRODUCTION_ORDERS = 'production_orders';

/** One factory: its own database (and, later, its own clients, lines and job queue). */
export interface FactoryUnit {
  id: FactoryId;
  name: string;
  db: Db;
  productionLines: number;
}

export function createFactoryUnit(id: FactoryId, db: Db, productionLines = 2): FactoryUnit {
  return { id, name: FACTORY_NAMES[id], db, productionLines };
}

/** Live counts of a factory's production orders by status. */
export async function countByStatus(unit: FactoryUnit) {
  const rows = await unit.db
    .collection(PRODUCTION_ORDERS)
    .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
    .toArray();
  const count = (status: string) => rows.find((row) => row._id === status)?.count ?? 0;
  return { queued: count('QUEUED'), inProduction: count('IN_PRODUCTION'), completed: count('COMPLETED') };
}
