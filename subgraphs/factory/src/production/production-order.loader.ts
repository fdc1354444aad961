import DataLoader from 'dataloader';
import type { FactoryId } from '../factory/factories.ts';
import type { FactoryView } from '../factory/factory-view.ts';
import { parseProductionOrderId, productionOrderId, type ProductionOrderDoc } from './production-order.ts';

/**
 * Loads production orders by public id in batches: ids are grouped by the
 * factory they name, and each factory's database is asked once.
 */
export function createProductionOrderLoader(factories: ReadonlyMap<FactoryId, FactoryView>) {
  return new DataLoader<string, ProductionOrderDoc | null>(async (ids) => {
    const byFactory = new Map<FactoryId, ReturnType<typeof parseProductionOrderId>[]>();
    for (const id of ids) {
      const parsed = parseProductionOrderId(id);
      if (parsed && factories.has(parsed.factory)) {
        byFactory.set(parsed.factory, [...(byFactory.get(parsed.factory) ?? []), parsed]);
      }
    }
    const found = new Map<string, ProductionOrderDoc>();
    await Promise.all(
      [...byFactory].map(async ([factory, keys]) => {
        const docs = await factories.get(factory)!.orders.findByIds(keys.map((key) => key!._id));
        for (const doc of docs) found.set(productionOrderId(doc), doc);
      }),
    );
    return ids.map((id) => found.get(id) ?? null);
  });
}
