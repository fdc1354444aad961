import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '#kit/logger.ts';
import type { GatewayContext } from '../context.ts';
import { EVENT_SOURCE, type PlannedSubscription, type SupergraphView } from './planner.ts';

/** What the owning subgraph sent for one event: the primary fetch's response. */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Answers the (renamed) primary fetch with the event, so the gateway's executor treats it as fetched. */
const eventSource = (event: UpstreamEvent): GraphQLDataSource => ({
  process: async () => ({
    data: event.data ?? null,
    ...(event.errors?.length ? { errors: event.errors as never } : {}),
  }),
});

// Cache hints from subgraphs have no meaning for a pushed event.
const noCachePolicy = { restrict() {}, replace() {}, policyIfCacheable: () => null };

export interface EventRun {
  view: SupergraphView;
  planned: PlannedSubscription;
  dataSources: ServiceMap;
  source: string;
  variables: Record<string, unknown>;
  context: GatewayContext;
  logger: Logger;
}

/**
 * Resolves the rest of the client's selection for one event with the
 * gateway's own executor: entity fetches, merging, shaping and errors.
 */
export async function resolveEvent(run: EventRun, event: UpstreamEvent): Promise<ExecutionResult> {
  const { view, planned } = run;
  const serviceMap: ServiceMap = { ...run.dataSources, [EVENT_SOURCE]: eventSource(event) };
  const requestContext = {
    request: { query: run.source, variables: run.variables },
    logger: run.logger,
    schema: view.apiGraphQLSchema,
    context: run.context,
    document: { kind: 'Document', definitions: [planned.operationContext.operation] },
    source: run.source,
    operationName: planned.operationContext.operation.name?.value ?? null,
    operation: planned.operationContext.operation,
    metrics: {},
    overallCachePolicy: noCachePolicy,
  };
  const result = await executeQueryPlan(
    planned.perEventPlan,
    serviceMap,
    requestContext as never,
    planned.operationContext,
    view.supergraphSchema,
    view.apiSchema,
  );
  // A failed fetch (subgraph down) is collected as a plain Error; clients need GraphQL errors.
  const errors = result.errors?.map((error: unknown) =>
    error instanceof GraphQLError
      ? error
      : new GraphQLError((error as Error).message, { originalError: error as Error }),
  );
  // A subgraph that answered with errors (a failed fetch was logged by its data source).
  for (const error of errors ?? []) {
    if (!error.extensions.serviceName) continue;
    run.logger.warn(
      { requestId: run.context.requestId, subgraph: error.extensions.serviceName, err: error },
      'subscription event: a subgraph answered with an error',
    );
  }
  return { ...result, ...(errors ? { errors } : {}) } as ExecutionResult;
}
