import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';

export const randomOrdersResolvers: Resolvers = {
  Query: {
    randomOrders: async (_parent, _args, { identity, services }) => {
      requireRole(identity, 'viewer');
      return services.randomOrders.read();
    },
  },
  Mutation: {
    setRandomOrders: async (_parent, { enabled, every }, { identity, services }) => {
      requireRole(identity, 'admin');
      return services.randomOrders.set(enabled, every);
    },
  },
};
