import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';

export const factoryResolvers: Resolvers = {
  Query: {
    factories: (_parent, _args, { identity, factories }) => {
      requireRole(identity, 'viewer');
      return [...factories.values()];
    },
    factory: (_parent, { id }, { identity, factories }) => {
      requireRole(identity, 'viewer');
      return factories.get(id as never) ?? null;
    },
  },
  Factory: {
    // Only factories this process serves (runs or reads) can answer; others resolve to null. Same role as the root fields.
    __resolveReference: (reference, { identity, factories }) => {
      requireRole(identity, 'viewer');
      return factories.get(String(reference.id) as never) ?? null;
    },
    product: (unit) => unit.product,
    queued: async (unit, _args, { counts }) => (await counts(unit)).queued,
    inProduction: async (unit, _args, { counts }) => (await counts(unit)).inProduction,
    completed: async (unit, _args, { counts }) => (await counts(unit)).completed,
  },
};
