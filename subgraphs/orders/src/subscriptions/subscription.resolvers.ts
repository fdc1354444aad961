import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import type { Order } from '../order/order.entity.ts';

/** orderUpdated: each committed change as it was at that change (the NOTIFY carries the order's columns). */
export const subscriptionResolvers: Resolvers = {
  Subscription: {
    orderUpdated: {
      subscribe: (_parent, { number }, { identity, services }) => {
        requireRole(identity, 'viewer');
        return services.updates.subscribe(number ?? null) as never;
      },
      resolve: (order: Order) => order,
    },
  },
};
