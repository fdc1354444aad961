import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createSubgraphVerifier } from '#kit/service-token.ts';
import type { Logger } from '#kit/logger.ts';
import { createSubgraphApp } from '#kit/subgraph-app.ts';
import { metricsTokenOf } from '#kit/metrics/metrics-route.ts';
import type { CustomersConfig } from './config.ts';
import type { Context } from './context.ts';
import { CustomerRepository } from './customer/customer.repository.ts';
import { customerResolvers } from './customer/customer.resolvers.ts';
import { CustomerService } from './customer/customer.service.ts';
import { dateTimeScalar } from '#kit/scalars.ts';

const typeDefs = parse(readFileSync(new URL('../../../schema/customers.graphql', import.meta.url), 'utf8'));

export interface CustomersDeps {
  config: CustomersConfig;
  orm: MikroORM;
  logger: Logger;
}

/** Builds the customers subgraph over ready dependencies; listens nowhere. */
export function createServer({ config, orm, logger }: CustomersDeps) {
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: { DateTime: dateTimeScalar, ...customerResolvers } as never,
  });
  return createSubgraphApp<Context>({
    metricsToken: metricsTokenOf(config),
    name: 'customers',
    schema,
    logger,
    // The order service reads customers with its own service token.
    verifier: createSubgraphVerifier({
      secret: config.SERVICE_TOKEN_SECRET,
      previousSecret: config.SERVICE_TOKEN_SECRET_PREVIOUS,
      audience: 'customers',
      services: ['orders'],
    }),
    limits: config,
    context: ({ identity }) => {
      const em = orm.em.fork();
      return { identity, em, customers: new CustomerService(new CustomerRepository(em)) };
    },
    ready: async () => {
      if (!(await orm.isConnected())) throw new Error('PostgreSQL is not connected');
    },
    exposeInternals: config.NODE_ENV === 'development',
  });
}
