import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { countByStatus, type FactoryUnit } from './factory-unit.ts';

const shape = async (unit: FactoryUnit) => ({
  id: unit.id,
  name: unit.name,
  productionLines: unit.productionLines,
  ...(await countByStatus(unit)),
});

export const factoryResolvers: Resolvers = {
  Query: {
    factories: async (_parent, _args, { identity, factories }) => {
      requireRole(identity, 'viewer');
      return Promise.all([...factories.values()].map(shape)) as never;
    },
    factory: async (_parent, { id }, { identity, factories }) => {
      requireRole(identity, 'viewer');
      const unit = factories.get(id as never);
      return (unit ? await shape(unit) : null) as never;
    },
  },
};
