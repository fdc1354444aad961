import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';

/** Thin: authorise, then hand the raw arguments to the service, which validates them. */
export const customerResolvers: Resolvers = {
  Query: {
    customer: (_parent, { id }, { identity, customers }) => {
      requireRole(identity, 'viewer');
      return customers.get(id);
    },
    customers: (_parent, args, { identity, customers }) => {
      requireRole(identity, 'viewer');
      return customers.list(args);
    },
  },
  Mutation: {
    createCustomer: (_parent, { input }, { identity, customers }) => {
      requireRole(identity, 'operator');
      return customers.create(input);
    },
    updateCustomer: (_parent, { id, input }, { identity, customers }) => {
      requireRole(identity, 'operator');
      return customers.update(id, input);
    },
    deleteCustomer: (_parent, { id }, { identity, customers }) => {
      requireRole(identity, 'operator');
      return customers.archive(id);
    },
  },
  Customer: {
    // Every representation of one `_entities` request goes through the request's DataLoader: one query.
    __resolveReference: ({ id }, { identity, customers }) => {
      requireRole(identity, 'viewer');
      return customers.get(id);
    },
  },
};
