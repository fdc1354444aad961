import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { OrderSchema } from './order.entity.ts';

const asConnection = <T extends { number: string }>(rows: T[], totalCount: number) => ({
  edges: rows.map((node) => ({ cursor: node.number, node })),
  pageInfo: { hasNextPage: rows.length < totalCount, endCursor: rows.at(-1)?.number ?? null },
  totalCount,
});

export const orderResolvers: Resolvers = {
  Query: {
    order: async (_parent, { number }, { identity, em }) => {
      requireRole(identity, 'viewer');
      return em.findOne(OrderSchema, { number }) as never;
    },
    orders: async (_parent, { status, customerId, first }, { identity, em }) => {
      requireRole(identity, 'viewer');
      const where = { ...(status ? { status } : {}), ...(customerId ? { customerId } : {}) };
      const [rows, total] = await em.findAndCount(OrderSchema, where, {
        orderBy: { id: 'desc' },
        limit: first ?? 20,
      });
      return asConnection(rows, total) as never;
    },
  },
  Order: {
    customer: (order) => ({ id: (order as unknown as { customerId: string }).customerId }) as never,
    lines: () => [],
    history: () => [],
  },
  Customer: {
    __resolveReference: (reference) => reference as never,
    orders: async ({ id }, { first }, { identity, em }) => {
      requireRole(identity, 'viewer');
      const [rows, total] = await em.findAndCount(
        OrderSchema,
        { customerId: id },
        { orderBy: { id: 'desc' }, limit: first ?? 20 },
      );
      return asConnection(rows, total) as never;
    },
  },
};
