import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTokenVerifier } from '#kit/auth.ts';
import type { Logger } from '#kit/logger.ts';
import { createSubgraphApp } from '#kit/subgraph-app.ts';
import type { OrdersConfig } from './config.ts';
import type { Context } from './context.ts';
import { orderResolvers } from './order/order.resolvers.ts';
import { dateTimeScalar, jsonScalar } from '#kit/scalars.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/orders.graphql', import.meta.url), 'utf8'));

export interface OrdersDeps {
  config: OrdersConfig;
  orm: MikroORM;
  logger: Logger;
}

/** Builds the orders subgraph over ready dependencies; listens nowhere. */
export function createServer({ config, orm, logger }: OrdersDeps) {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { DateTime: dateTimeScalar, JSON: jsonScalar, ...orderResolvers } as never,
  });
  return createSubgraphApp<Context>({
    name: 'orders',
    schema,
    logger,
    verifyToken: createTokenVerifier(config),
    context: ({ identity }) => ({ identity, em: orm.em.fork() }),
    ready: async () => {
      if (!(await orm.isConnected())) throw new Error('PostgreSQL is not connected');
    },
    exposeInternals: config.NODE_ENV === 'development',
  });
}
