import type { ApolloServerPlugin } from '@apollo/server';
import { Histogram, type Registry } from 'prom-client';
import { boundedLabel, DURATION_BUCKETS } from './registry.ts';

/**
 * `graphql_envelop_request_duration` (Hive Gateway's and GraphQL Yoga's name,
 * in seconds) by operation name and type: from the request's arrival at Apollo
 * Server to its response, parse to execute.
 */
export function graphqlRequestMetrics<Ctx extends object>(registry: Registry): ApolloServerPlugin<Ctx> {
  const duration = new Histogram({
    name: 'graphql_envelop_request_duration',
    help: 'Time spent on a GraphQL operation, from parse to execute (seconds).',
    labelNames: ['operationName', 'operationType'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const operationName = boundedLabel();
  return {
    async requestDidStart() {
      const end = duration.startTimer();
      return {
        async willSendResponse({ operationName: name, operation }) {
          end({ operationName: operationName(name), operationType: operation?.operation ?? 'unknown' });
        },
      };
    },
  };
}
