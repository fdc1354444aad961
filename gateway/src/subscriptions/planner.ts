import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { shareScopeOf, type ShareScope } from './share-scope.ts';

/** The serviceName the primary fetch is renamed to, so each event can stand in for its result. */
export const EVENT_SOURCE = '__subscription_event__';

type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PlannedSubscription {
  /** The subscription to open on the owning subgraph (fields it resolves plus entity keys). */
  primary: FetchNode;
  /** primary (answered by the event) followed by `rest`: what executeQueryPlan runs per event. */
  perEventPlan: QueryPlan;
  operationContext: OperationContext;
}

/** The supergraph as the subscription side needs it, rebuilt whenever the gateway's schema changes. */
export interface SupergraphView {
  supergraphSchema: GraphQLSchema;
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  subgraphs: readonly { name: string; url: string }[];
  plan(document: DocumentNode, operationName?: string | null): PlannedSubscription;
  /** Whether the operation's events may be resolved once per role instead of once per identity. */
  shareScope(document: DocumentNode): ShareScope;
}

export function buildSupergraphView(supergraphSdl: string): SupergraphView {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const apiGraphQLSchema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  // Clients of one operation share one checked document (ws-server.ts): one walk of it per schema.
  const scopes = new WeakMap<DocumentNode, ShareScope>();
  return {
    supergraphSchema,
    apiSchema,
    apiGraphQLSchema,
    subgraphs: supergraph.subgraphsMetadata(),
    shareScope(document) {
      let scope = scopes.get(document);
      if (scope === undefined) scopes.set(document, (scope = shareScopeOf(supergraphSchema, document)));
      return scope;
    },
    plan(document, operationName) {
      const operation = operationFromDocument(apiSchema, document, {
        operationName: operationName ?? undefined,
      });
      const plan = planner.buildQueryPlan(operation);
      if (plan.node?.kind !== 'Subscription') throw new Error('Not a subscription operation');
      const { primary, rest } = plan.node;
      const eventFetch: PlanNode = { ...primary, serviceName: EVENT_SOURCE };
      return {
        primary,
        perEventPlan: {
          kind: 'QueryPlan',
          node: rest ? { kind: 'Sequence', nodes: [eventFetch, rest] } : eventFetch,
        },
        operationContext: buildOperationContext({
          schema: apiGraphQLSchema,
          operationDocument: document,
          operationName: operationName ?? undefined,
        }),
      };
    },
  };
}
