import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { CustomerSchema } from './customer.entity.ts';

export const customerResolvers: Resolvers = {
  Query: {
    customer: async (_parent, { id }, { identity, em }) => {
      requireRole(identity, 'viewer');
      return em.findOne(CustomerSchema, { id });
    },
  },
  Mutation: {
    createCustomer: async (_parent, { input }, { identity, em }) => {
      requireRole(identity, 'operator');
      const customer = em.create(CustomerSchema, { name: input.name, email: input.email });
      await em.flush();
      return customer;
    },
  },
  Customer: {
    __resolveReference: async ({ id }, { identity, em }) => {
      requireRole(identity, 'viewer');
      return em.findOne(CustomerSchema, { id });
    },
  },
};
