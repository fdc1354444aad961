import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '#kit/errors.ts';
import type { OrderStatus } from './order.entity.ts';
import { countOrders, findOrderRows } from './order-reads.repository.ts';
import type { StoredOrder } from './order-rows.ts';

export interface OrderFilter {
  status?: OrderStatus | null;
  customerId?: string | null;
  placedAfter?: Date | null;
  placedBefore?: Date | null;
}

export const MAX_PAGE_SIZE = 100;

const encodeCursor = (id: number) => Buffer.from(`order:${id}`).toString('base64url');

function decodeCursor(cursor: string): number {
  const match = /^order:(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const id = Number(match?.[1]);
  // Only ids this connection could have handed out: a huge one would overflow PostgreSQL's bigint.
  if (!match || !Number.isSafeInteger(id))
    throw new ValidationError('after', 'is not a cursor from this connection');
  return id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Relay page of orders; `totalCount` runs its count only when a query selects it. */
export interface OrdersPage {
  edges: { cursor: string; node: StoredOrder }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: () => Promise<number>;
}

/**
 * A Relay page of orders, newest first (by id, which follows placement). The
 * count is not taken unless asked for: it reads every matching row, so it
 * grows with the floor's age while the page itself does not.
 */
export async function findOrdersPage(
  em: EntityManager,
  filter: OrderFilter,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<OrdersPage> {
  const limit = first ?? 20;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('first', `must be from 0 to ${MAX_PAGE_SIZE}`);
  }
  if (filter.customerId && !UUID.test(filter.customerId))
    throw new ValidationError('customerId', 'must be a UUID');
  const beforeId = after ? decodeCursor(after) : undefined;
  const rows = await findOrderRows(em, filter, limit + 1, beforeId);
  const page = rows.slice(0, limit);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(Number(node.id)), node })),
    pageInfo: {
      hasNextPage: rows.length > limit,
      endCursor: page.length ? encodeCursor(Number(page.at(-1)!.id)) : null,
    },
    totalCount: () => countOrders(em, filter),
  };
}
