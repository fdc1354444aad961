import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createTokenVerifier } from '#kit/auth.ts';
import type { Logger } from '#kit/logger.ts';
import { dateTimeScalar, jsonScalar } from '#kit/scalars.ts';
import { createSubgraphApp } from '#kit/subgraph-app.ts';
import type { FactoryConfig } from './config.ts';
import type { Context } from './context.ts';
import type { FactoryId } from './factory/factories.ts';
import type { FactoryUnit } from './factory/factory-unit.ts';
import { factoryResolvers } from './factory/factory.resolvers.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/factory.graphql', import.meta.url), 'utf8'));

export interface FactoryDeps {
  config: FactoryConfig;
  factories: ReadonlyMap<FactoryId, FactoryUnit>;
  logger: Logger;
}

/** Builds the factory subgraph over ready dependencies; listens nowhere. */
export function createServer({ config, factories, logger }: FactoryDeps) {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { DateTime: dateTimeScalar, JSON: jsonScalar, ...factoryResolvers } as never,
  });
  return createSubgraphApp<Context>({
    name: 'factory',
    schema,
    logger,
    verifyToken: createTokenVerifier(config),
    context: ({ identity }) => ({ identity, factories }),
    ready: async () => {
      for (const unit of factories.values()) await unit.db.command({ ping: 1 });
    },
    exposeInternals: config.NODE_ENV === 'development',
  });
}
