import { randomUUID } from 'node:crypto';
import type { ServiceMap } from '@apollo/gateway';
import { GraphQLError, print, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Logger } from '#kit/logger.ts';
import type { GatewayContext } from '../context.ts';
import { resolveEvent, type EventRun } from './event-executor.ts';
import type { SupergraphView } from './planner.ts';
import { createPushIterator, type PushIterator } from './push-iterator.ts';
import { openUpstream } from './upstream.ts';

export interface SubscribeRequest {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables: Record<string, unknown>;
  context: GatewayContext;
}

interface Group {
  listeners: Map<PushIterator<ExecutionResult>, GatewayContext>;
  connected: boolean;
  close(): void;
}

export interface HubOptions {
  view: () => SupergraphView;
  dataSources: () => ServiceMap;
  subgraphUrl: (name: string) => string;
  /** connection_init of an upstream socket: the identity the gateway signs for that subgraph. */
  connectionParams: (context: GatewayContext, subgraph: string) => Promise<Record<string, unknown>>;
  retryBaseMs: number;
  retryMaxMs: number;
  logger: Logger;
  /** Wraps each event's resolution (a span and a count: metrics.ts). */
  observeEvent?: <R>(operationName: string | undefined, resolve: () => Promise<R>) => Promise<R>;
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

/**
 * Clients with the same operation, variables and role share one upstream
 * subscription and one resolution per event; the upstream closes when the
 * last of them leaves.
 */
export function createSubscriptionHub(options: HubOptions) {
  const groups = new Map<string, Group>();

  const openGroup = (key: string, request: SubscribeRequest, source: string): Group => {
    const view = options.view();
    const planned = view.plan(request.document, request.operationName);
    const listeners = new Map<PushIterator<ExecutionResult>, GatewayContext>();
    // Events are resolved once for the whole group, as the client whose token lasts longest.
    const currentContext = () =>
      [...listeners.values()].reduce<GatewayContext>(
        (longest, context) => (context.identity.expiresAt > longest.identity.expiresAt ? context : longest),
        [...listeners.values()][0] ?? request.context,
      );
    const groupId = randomUUID();
    const broadcast = (result: ExecutionResult) => {
      for (const [listener, context] of listeners)
        listener.push({ ...result, extensions: { ...result.extensions, requestId: context.requestId } });
    };
    let chain = Promise.resolve();
    const run = (): EventRun => ({
      view,
      planned,
      dataSources: options.dataSources(),
      source,
      variables: request.variables,
      context: { ...currentContext(), requestId: groupId },
      logger: options.logger,
    });
    const close = openUpstream({
      url: options.subgraphUrl(planned.primary.serviceName),
      query: planned.primary.operation,
      variables: request.variables,
      operationName: planned.primary.operationName,
      connectionParams: () => options.connectionParams(currentContext(), planned.primary.serviceName),
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      logger: options.logger,
      // Events are resolved one after another so every client sees them in the subgraph's order.
      onEvent: (event) => {
        chain = chain
          .then(() =>
            options.observeEvent
              ? options.observeEvent(request.operationName ?? undefined, () => resolveEvent(run(), event))
              : resolveEvent(run(), event),
          )
          .catch((error: unknown) => {
            options.logger.error({ err: error }, 'event resolution failed');
            return { data: null, errors: [new GraphQLError('Internal server error')] };
          })
          .then(broadcast);
      },
      onError: (message) => {
        chain = chain.then(() => {
          broadcast({ errors: [new GraphQLError(message, { extensions: { code: 'UPSTREAM_ERROR' } })] });
          end();
        });
      },
      onComplete: () => {
        chain = chain.then(() => end());
      },
      onConnection: (connected) => {
        group.connected = connected;
      },
    });
    const end = () => {
      groups.delete(key);
      for (const listener of listeners.keys()) listener.end();
      listeners.clear();
      close();
    };
    const group: Group = { listeners, connected: false, close: end };
    return group;
  };

  return {
    subscribe(request: SubscribeRequest): AsyncIterableIterator<ExecutionResult> {
      const source = print(request.document);
      const key = stable([
        request.context.identity.role,
        request.operationName ?? null,
        source,
        request.variables,
      ]);
      const group = groups.get(key) ?? openGroup(key, request, source);
      groups.set(key, group);
      const listener: PushIterator<ExecutionResult> = createPushIterator(() => {
        group.listeners.delete(listener);
        if (group.listeners.size === 0) group.close();
      });
      group.listeners.set(listener, request.context);
      return listener;
    },
    /** Upstream subscriptions currently open (one per shared group). */
    get size() {
      return groups.size;
    },
    /** For readiness checks and tests: upstreams, how many are connected, and clients. */
    stats() {
      const all = [...groups.values()];
      return {
        upstreams: all.length,
        connected: all.filter((group) => group.connected).length,
        clients: all.reduce((sum, group) => sum + group.listeners.size, 0),
      };
    },
    closeAll() {
      for (const group of [...groups.values()]) group.close();
    },
  };
}

export type SubscriptionHub = ReturnType<typeof createSubscriptionHub>;
