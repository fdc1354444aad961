import type { GraphQLDataSource } from '@apollo/gateway';
import { trace } from '@opentelemetry/api';
import { Counter, Gauge, Histogram } from 'prom-client';
import { graphqlRequestMetrics } from '#kit/metrics/graphql-metrics.ts';
import { httpMetrics } from '#kit/metrics/metrics-route.ts';
import { boundedLabel, createMetricsRegistry, DURATION_BUCKETS } from '#kit/metrics/registry.ts';
import type { GatewayContext } from './context.ts';

const operationTypeOf = (query: string | undefined) =>
  /^\s*(query|mutation|subscription)\b/.exec(query ?? '')?.[1] ?? 'query';

const tracer = trace.getTracer('factory-floor-gateway');

/**
 * The gateway's metrics, named as Hive Gateway's Prometheus plugin names them
 * (`graphql_envelop_request_duration`, `graphql_gateway_subgraph_execute_*`),
 * plus its subscriptions: clients open, upstreams open, events resolved.
 */
export function createGatewayMetrics() {
  const registry = createMetricsRegistry('gateway');
  const operationName = boundedLabel();
  const fetchDuration = new Histogram({
    name: 'graphql_gateway_subgraph_execute_duration',
    help: 'Time spent on a subgraph fetch (seconds).',
    labelNames: ['subgraphName', 'operationType', 'operationName'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const fetchErrors = new Counter({
    name: 'graphql_gateway_subgraph_execute_errors',
    help: 'Subgraph fetches that failed or answered with errors.',
    labelNames: ['subgraphName', 'operationType', 'operationName'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'graphql_gateway_subscription_events_total',
    help: 'Subscription events resolved (once per shared upstream), by operation.',
    labelNames: ['operationName'],
    registers: [registry],
  });
  let hubStats: () => { upstreams: number; clients: number } = () => ({ upstreams: 0, clients: 0 });
  new Gauge({
    name: 'graphql_gateway_subscriptions_active',
    help: 'Client subscriptions open on the gateway.',
    registers: [registry],
    collect() {
      this.set(hubStats().clients);
    },
  });
  new Gauge({
    name: 'graphql_gateway_subscription_upstreams_active',
    help: 'Upstream subgraph subscriptions open (shared by clients with the same operation).',
    registers: [registry],
    collect() {
      this.set(hubStats().upstreams);
    },
  });

  return {
    registry,
    http: httpMetrics(registry),
    plugin: graphqlRequestMetrics<GatewayContext>(registry),
    /** Times every fetch of these data sources, by subgraph and operation. */
    timeFetches<T extends Record<string, GraphQLDataSource>>(sources: T): T {
      for (const [subgraphName, source] of Object.entries(sources)) {
        const process = source.process.bind(source);
        source.process = async (options) => {
          const labels = {
            subgraphName,
            operationType: operationTypeOf(options.request.query),
            operationName: operationName(options.request.operationName),
          };
          const end = fetchDuration.startTimer(labels);
          try {
            const response = await process(options);
            if (response.errors?.length) fetchErrors.inc(labels);
            return response;
          } catch (error) {
            fetchErrors.inc(labels);
            throw error;
          } finally {
            end();
          }
        };
      }
      return sources;
    },
    watchSubscriptions(stats: typeof hubStats) {
      hubStats = stats;
    },
    /** One span and one count per subscription event's resolution (the rest of the plan after the event). */
    observeEvent<R>(name: string | undefined, resolve: () => Promise<R>): Promise<R> {
      events.inc({ operationName: operationName(name) });
      return tracer.startActiveSpan('gateway.subscription.event', async (span) => {
        span.setAttribute('graphql.operation.name', name ?? '');
        try {
          return await resolve();
        } finally {
          span.end();
        }
      });
    },
  };
}
