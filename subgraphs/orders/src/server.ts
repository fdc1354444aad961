import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Identity } from '#kit/auth.ts';
import { createSubgraphVerifier } from '#kit/service-token.ts';
import type { Logger } from '#kit/logger.ts';
import { createSubgraphApp } from '#kit/subgraph-app.ts';
import { metricsTokenOf } from '#kit/metrics/metrics-route.ts';
import type { OutboxSink } from './outbox/outbox-message.ts';
import { mountOutboxStatus } from './outbox/outbox-status.ts';
import { dateTimeScalar, jsonScalar } from '#kit/scalars.ts';
import { webhookSecretsOf, type OrdersConfig } from './config.ts';
import type { Context, OrdersServices } from './context.ts';
import type { Resolvers } from './generated/graphql.ts';
import { createOrderLoaders, type OrderLoaders } from './order/order-loaders.ts';
import { orderResolvers } from './order/order.resolvers.ts';
import { randomOrdersResolvers } from './random-orders/random-orders.resolvers.ts';
import { orderStatsResolvers } from './stats/order-stats.resolvers.ts';
import { subscriptionResolvers } from './subscriptions/subscription.resolvers.ts';
import { loadersPerTurn } from './subscriptions/event-loaders.ts';
import { serveSubscriptions } from './subscriptions/websocket-server.ts';
import {
  mountProductionWebhook,
  type ProductionWebhookOptions,
} from './webhooks/production-webhook.route.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/orders.graphql', import.meta.url), 'utf8'));

export interface OrdersDeps {
  config: OrdersConfig;
  orm: MikroORM;
  logger: Logger;
  services: OrdersServices;
  /** Test hook for the webhook (see ProductionWebhookOptions). */
  afterWebhookRecord?: ProductionWebhookOptions['afterRecord'];
  /** The outbox's sinks, for `GET /outbox`. */
  sinks?: readonly OutboxSink[];
}

/** Merges resolver maps type by type (Query and Mutation come from several domains). */
function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map))
      merged[type] = { ...merged[type], ...(fields as object) };
  }
  return merged as Resolvers;
}

/** Builds the orders subgraph (HTTP, webhook and subscriptions) over ready dependencies; listens nowhere. */
export async function createServer({
  config,
  orm,
  logger,
  services,
  afterWebhookRecord,
  sinks = [],
}: OrdersDeps) {
  const resolvers = mergeResolvers(
    orderResolvers,
    randomOrdersResolvers,
    orderStatsResolvers,
    subscriptionResolvers,
  );
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { DateTime: dateTimeScalar, JSON: jsonScalar, ...resolvers } as never,
  });
  const verifier = createSubgraphVerifier({
    secret: config.SERVICE_TOKEN_SECRET,
    previousSecret: config.SERVICE_TOKEN_SECRET_PREVIOUS,
    audience: 'orders',
  });
  const contextFor = (identity: Identity | undefined, idempotencyKey?: string): Context => {
    // Forked when first used: a placement needs neither (a fork and three loaders per request showed in profiles).
    let em: EntityManager | undefined;
    let loaders: OrderLoaders | undefined;
    return {
      identity,
      services,
      idempotencyKey,
      get em() {
        return (em ??= orm.em.fork());
      },
      get loaders() {
        return (loaders ??= createOrderLoaders(this.em));
      },
    };
  };
  const app = await createSubgraphApp<Context>({
    metricsToken: metricsTokenOf(config),
    name: 'orders',
    schema,
    logger,
    verifier,
    limits: config,
    context: ({ identity, req }) => contextFor(identity, req.get('idempotency-key') ?? undefined),
    ready: async () => {
      if (!(await orm.isConnected())) throw new Error('PostgreSQL is not connected');
    },
    exposeInternals: config.NODE_ENV === 'development',
    routes: (express) => {
      mountProductionWebhook(express, {
        orm,
        logger,
        secretsOf: (factory) => webhookSecretsOf(config, factory),
        afterRecord: afterWebhookRecord,
        onRecorded: services.statusChanged,
      });
      mountOutboxStatus(express, orm, sinks, verifier);
    },
  });
  const subscriptionLoaders = loadersPerTurn(() => createOrderLoaders(orm.em.fork()));
  const subscriptions = serveSubscriptions({
    httpServer: app.httpServer,
    schema,
    verifier,
    limits: config,
    socketLimits: config,
    logger,
    // A subscription lives long: each event gets a fresh entity manager and loaders shared only by
    // the subscriptions resolving that same event (event-loaders.ts), never cached ones.
    context: (identity) => ({
      identity,
      services,
      get em() {
        return orm.em.fork();
      },
      get loaders() {
        return subscriptionLoaders();
      },
    }),
  });
  return { ...app, subscriptions };
}
