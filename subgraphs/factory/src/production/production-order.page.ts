import { ValidationError } from '#kit/errors.ts';
import type { FactoryView } from '../factory/factory-view.ts';
import { parseProductionOrderId, productionOrderId, type ProductionOrderDoc } from './production-order.ts';
import type { ProductionOrderFilter } from './production-order.repository.ts';

export const MAX_PAGE = 100;

/**
 * A Relay page of production orders over one or more factories, newest first.
 * ObjectIds grow with time across databases, so the cursor (a production order
 * id) orders the merged list too.
 */
export async function pageProductionOrders(
  units: FactoryView[],
  filter: ProductionOrderFilter,
  first: number,
  after: string | null | undefined,
) {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw new ValidationError('first', `must be a whole number from 0 to ${MAX_PAGE}`);
  }
  const cursor = after ? parseProductionOrderId(after) : null;
  if (after && !cursor) throw new ValidationError('after', 'is not a cursor from this connection');
  const pages = await Promise.all(units.map((unit) => unit.orders.page(filter, first, cursor?._id ?? null)));
  const merged = pages
    .flatMap((page) => page.docs)
    .sort((a, b) => b._id.toHexString().localeCompare(a._id.toHexString()));
  const docs: ProductionOrderDoc[] = merged.slice(0, first);
  return {
    edges: docs.map((node) => ({ cursor: productionOrderId(node), node })),
    pageInfo: {
      hasNextPage: merged.length > first || pages.some((page) => page.hasNextPage),
      endCursor: docs.length ? productionOrderId(docs[docs.length - 1]!) : null,
    },
    totalCount: pages.reduce((sum, page) => sum + page.totalCount, 0),
  };
}
