import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createSubgraphVerifier } from '#kit/service-token.ts';
import type { Logger } from '#kit/logger.ts';
import { dateTimeScalar, jsonScalar } from '#kit/scalars.ts';
import { createSubgraphApp } from '#kit/subgraph-app.ts';
import { metricsTokenOf } from '#kit/metrics/metrics-route.ts';
import { productResolvers } from './catalogue/product.resolvers.ts';
import { basicAuthMiddleware, verifiedClientOf } from './clients/basic-auth.middleware.ts';
import { CheckLimiter } from './clients/check-limiter.ts';
import type { FactoryConfig } from './config.ts';
import type { Context } from './context.ts';
import type { FactoryId } from './factory/factories.ts';
import type { FactoryUnit } from './factory/factory-unit.ts';
import type { FactoryView } from './factory/factory-view.ts';
import { factoryResolvers } from './factory/factory.resolvers.ts';
import { createProductionOrderLoader } from './production/production-order.loader.ts';
import { productionResolvers } from './production/production.resolvers.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/factory.graphql', import.meta.url), 'utf8'));

export interface FactoryDeps {
  config: FactoryConfig;
  /** Every factory whose reads this process serves. */
  factories: ReadonlyMap<FactoryId, FactoryView>;
  /** Those of them it runs: only these take production requests. */
  producers: ReadonlyMap<FactoryId, FactoryUnit>;
  logger: Logger;
}

const merge = (...all: Record<string, object>[]) => {
  const merged: Record<string, object> = {};
  for (const resolvers of all) {
    for (const [type, fields] of Object.entries(resolvers)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
};

/** Builds the factory subgraph over ready dependencies; listens nowhere. */
export function createServer({ config, factories, producers, logger }: FactoryDeps) {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: merge(
      { DateTime: dateTimeScalar, JSON: jsonScalar },
      factoryResolvers as never,
      productResolvers as never,
      productionResolvers as never,
    ) as never,
  });
  const limiter = new CheckLimiter();
  return createSubgraphApp<Context>({
    metricsToken: metricsTokenOf(config),
    name: 'factory',
    schema,
    logger,
    verifier: createSubgraphVerifier({
      secret: config.SERVICE_TOKEN_SECRET,
      previousSecret: config.SERVICE_TOKEN_SECRET_PREVIOUS,
      audience: 'factory',
    }),
    limits: config,
    // API clients (the order service) call straight in with HTTP Basic, verified by the middleware below;
    // they have no user identity, and only submitProductionRequest accepts them.
    authenticate: async (req, verifyCaller) => (verifiedClientOf(req) ? undefined : verifyCaller()),
    routes: (app) => {
      app.use('/graphql', basicAuthMiddleware({ factories: () => factories.values(), limiter, logger }));
    },
    context: ({ identity, req }) => {
      const counts = new Map<FactoryView, ReturnType<FactoryView['orders']['countByStatus']>>();
      return {
        identity,
        authorization: req.headers.authorization,
        client: verifiedClientOf(req),
        factories,
        producers,
        productionOrders: createProductionOrderLoader(factories),
        counts: (unit) => {
          if (!counts.has(unit)) counts.set(unit, unit.orders.countByStatus());
          return counts.get(unit)!;
        },
      };
    },
    ready: async () => {
      for (const unit of factories.values()) await unit.db.command({ ping: 1 });
    },
    exposeInternals: config.NODE_ENV === 'development',
  });
}
