import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity } from '#kit/auth.ts';
import type { CustomerLookup } from '#clients/customers-client.ts';
import type { OrderLoaders } from './order/order-loaders.ts';
import type { PlacementWriter } from './order/place-order.ts';
import type { RandomOrderSchedule } from './random-orders/random-order-schedule.ts';
import type { OrderUpdates } from './subscriptions/order-notifications.ts';

/** Services the resolvers call; built once per process. */
export interface OrdersServices {
  customers: CustomerLookup;
  /** Stores placed orders, those placed at the same moment together. */
  placements: PlacementWriter;
  updates: OrderUpdates;
  /** Tells the scheduling job an order is waiting, so it need not wait for its next poll. */
  orderPlaced: () => void;
  /** A status change committed (wakes the outbox instead of waiting for its poll). */
  statusChanged?: () => void;
  /** The random-order settings, kept in the recurring Agenda job. */
  randomOrders: RandomOrderSchedule;
}

/** What every resolver of this subgraph receives. */
export interface Context {
  identity?: Identity | undefined;
  /** A fork of the entity manager for this request. */
  em: EntityManager;
  loaders: OrderLoaders;
  services: OrdersServices;
  /** The `Idempotency-Key` header of an HTTP request, if any. */
  idempotencyKey?: string | undefined;
}
