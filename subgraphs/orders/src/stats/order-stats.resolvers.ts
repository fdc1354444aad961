import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { orderStats } from './order-stats.ts';

export const orderStatsResolvers: Resolvers = {
  Query: {
    orderStats: async (_parent, { since, until }, { identity, em }) => {
      requireRole(identity, 'viewer');
      return orderStats(em, since ? new Date(since) : null, until ? new Date(until) : null);
    },
  },
};
