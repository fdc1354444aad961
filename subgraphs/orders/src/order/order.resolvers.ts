import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';
import { findOrdersPage } from './order-queries.ts';
import { placeOrder } from './place-order.ts';
import type { Order } from './order.entity.ts';
import type { OrderEvent } from './order-event.entity.ts';
import type { AnnouncedOrder } from '../subscriptions/history-at-change.ts';

const toDate = (value: Date | string | null | undefined) => (value ? new Date(value) : null);

/** Order, OrderLine and Customer.orders: thin resolvers over the order services. */
export const orderResolvers: Resolvers = {
  Query: {
    order: async (_parent, { number }, { identity, loaders }) => {
      requireRole(identity, 'viewer');
      return loaders.orderByNumber.load(number);
    },
    orders: async (_parent, args, { identity, em }) => {
      requireRole(identity, 'viewer');
      const filter = {
        status: args.status ?? null,
        customerId: args.customerId ?? null,
        placedAfter: toDate(args.placedAfter),
        placedBefore: toDate(args.placedBefore),
      };
      return findOrdersPage(em, filter, args.first, args.after);
    },
  },
  Mutation: {
    placeOrder: async (_parent, { input }, context) => {
      const { identity, services, idempotencyKey } = context;
      requireRole(identity, 'operator');
      const order = await placeOrder(
        // The entity manager only when a repeated key needs it (the context forks it on first use).
        { em: () => context.em, customers: services.customers, placements: services.placements },
        {
          customerId: input.customerId,
          lines: input.lines,
          source: 'MANUAL',
          clientRequestId: input.clientRequestId ?? idempotencyKey ?? null,
        },
      );
      services.orderPlaced();
      return order;
    },
  },
  Order: {
    __resolveReference: async (reference, { identity, loaders }) => {
      requireRole(identity, 'viewer');
      return loaders.orderByNumber.load((reference as { number: string }).number) as Promise<Order>;
    },
    customer: (order) => ({ __typename: 'Customer', id: order.customerId }) as never,
    lines: (order, _args, { loaders }) => loaders.linesByOrderId.load(Number(order.id)),
    // An event's order carries its history as of that change (subscriptions/history-at-change.ts).
    history: (order, _args, { loaders }) =>
      ((order as AnnouncedOrder).historyAtChange as OrderEvent[] | undefined) ??
      loaders.historyByOrderId.load(Number(order.id)),
  },
  OrderConnection: {
    totalCount: (page) => page.totalCount(),
  },
  OrderLine: {
    productionOrder: (line) =>
      (line.productionOrderId
        ? { __typename: 'ProductionOrder', id: line.productionOrderId }
        : null) as never,
  },
  Customer: {
    __resolveReference: (reference) => reference as never,
    orders: async ({ id }, { first, after }, { identity, em }) => {
      requireRole(identity, 'viewer');
      return findOrdersPage(em, { customerId: id }, first, after);
    },
  },
};
