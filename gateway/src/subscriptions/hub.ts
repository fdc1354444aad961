import { randomUUID } from 'node:crypto';
import type { ServiceMap } from '@apollo/gateway';
import { GraphQLError, print, type DocumentNode, type ExecutionResult } from 'graphql';
import type { Logger } from '#kit/logger.ts';
import type { GatewayContext } from '../context.ts';
import { batchEntityFetches } from './batched-entity-fetches.ts';
import { resolveEvent, type EventRun, type UpstreamEvent } from './event-executor.ts';
import {
  encodeResult as defaultEncode,
  frameEnds,
  nextFrame,
  openPayload,
  type EncodeResult,
  type FrameSink,
} from './frames.ts';
import { GroupClient as Client } from './group-client.ts';
import type { SupergraphView } from './planner.ts';
import { scopeKey } from './share-scope.ts';
import { openUpstream } from './upstream.ts';
import type { UpstreamPool } from './upstream-pool.ts';

export interface SubscribeRequest {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables: Record<string, unknown>;
  context: GatewayContext;
}

interface Group {
  clients: Set<Client>;
  connected: () => boolean;
  /** A client left; the last one ends the group. */
  leave(client: Client): void;
  close(): void;
}

export interface HubOptions {
  view: () => SupergraphView;
  dataSources: () => ServiceMap;
  subgraphUrl: (name: string) => string;
  pool: UpstreamPool;
  /** Formats and serialises an event's result once for its group (errors masked as over HTTP). */
  encode?: EncodeResult;
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
 * Clients of one identity with the same operation and variables form a group
 * (of one role, when every field the operation selects is declared identity-free:
 * share-scope.ts): one upstream subscription (on the socket that identity or role
 * shares with its other groups, upstream-pool.ts), each event resolved once, serialised once,
 * and the frame written to every client's socket. Events are resolved as they
 * come, concurrently; those read in one turn together, with one entity fetch
 * per subgraph (batched-entity-fetches.ts). Events are delivered in the
 * subgraph's order. The group ends with its last client.
 */
export function createSubscriptionHub(options: HubOptions) {
  const groups = new Map<string, Group>();
  // Clients of the same operation share one checked document (ws-server.ts): print it once.
  const printed = new WeakMap<DocumentNode, string>();
  const sourceOf = (document: DocumentNode) => {
    let source = printed.get(document);
    if (source === undefined) printed.set(document, (source = print(document)));
    return source;
  };
  const encode = options.encode ?? defaultEncode;

  const openGroup = (key: string, sharer: string, request: SubscribeRequest, source: string): Group => {
    const view = options.view();
    const planned = view.plan(request.document, request.operationName);
    const clients = new Set<Client>();
    // Events are resolved as the group's client whose token lasts longest (all are the same identity,
    // or of one role where the operation's answer cannot depend on who asks).
    const currentContext = () => {
      let longest = request.context;
      for (const { context } of clients)
        if (context.identity.expiresAt > longest.identity.expiresAt) longest = context;
      return longest;
    };
    const groupId = randomUUID();
    // Per event: resolved once, encoded once; per client only its own ends around the payload, and
    // the frames of events delivered together in one write to its socket.
    const broadcast = (results: ExecutionResult[]) => {
      const opens = results.map((result) => openPayload(encode(result)));
      for (const client of clients) {
        if (opens.length === 1) client.sink.send(nextFrame(client.ends, opens[0]!));
        else client.sink.sendAll(opens.map((open) => nextFrame(client.ends, open)));
      }
    };
    let chain = Promise.resolve();
    const run = (dataSources: ServiceMap): EventRun => ({
      view,
      planned,
      dataSources,
      source,
      variables: request.variables,
      context: { ...currentContext(), requestId: groupId },
      logger: options.logger,
    });
    const resolve = (event: UpstreamEvent, dataSources: ServiceMap) => {
      const once = () => resolveEvent(run(dataSources), event);
      return (
        options.observeEvent ? options.observeEvent(request.operationName ?? undefined, once) : once()
      ).catch((error: unknown): ExecutionResult => {
        options.logger.error({ err: error }, 'event resolution failed');
        return { data: null, errors: [new GraphQLError('Internal server error')] };
      });
    };
    // Events read together (one socket read can carry several, more so when the gateway is busy)
    // are resolved together: one entity fetch per subgraph for all of them, and one write per
    // client. None waits for another: an event alone is resolved at once, as before.
    let next: UpstreamEvent[] | undefined;
    const openBatch = () => {
      const events: UpstreamEvent[] = [];
      const results = new Promise<ExecutionResult[]>((done) =>
        // After the events of this turn have joined (they come synchronously, one read at a time).
        process.nextTick(() => {
          next = undefined;
          const dataSources =
            events.length > 1 ? batchEntityFetches(options.dataSources()) : options.dataSources();
          void Promise.all(events.map((event) => resolve(event, dataSources))).then(done);
        }),
      );
      // Delivery in the subgraph's order: after the batches (and an upstream end) before it. A failed
      // write must not reject the chain: every later event of the group would wait on it.
      chain = chain
        .then(() => results)
        .then(broadcast)
        .catch((error: unknown) => options.logger.error({ err: error }, 'event delivery failed'));
      return events;
    };
    const subgraph = planned.primary.serviceName;
    const lease = options.pool.acquire(sharer, options.subgraphUrl(subgraph), subgraph, currentContext);
    const close = openUpstream({
      lease,
      query: planned.primary.operation,
      variables: request.variables,
      operationName: planned.primary.operationName,
      logger: options.logger,
      onEvent: (event) => {
        (next ??= openBatch()).push(event);
      },
      onError: (message) => {
        chain = chain.then(() => {
          broadcast([{ errors: [new GraphQLError(message, { extensions: { code: 'UPSTREAM_ERROR' } })] }]);
          end();
        });
      },
      onComplete: () => {
        chain = chain.then(() => end());
      },
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      groups.delete(key);
      for (const client of clients) client.end();
      clients.clear();
      close();
    };
    const leave = (client: Client) => {
      if (clients.delete(client) && clients.size === 0) end();
    };
    return { clients, connected: lease.connected, leave, close: end };
  };

  return {
    /**
     * Adds a client to its group. Its events are written to `sink` directly;
     * the iterator yields nothing and ends when the group does (graphql-ws
     * then sends `complete`); its return() is the client leaving.
     */
    subscribe(request: SubscribeRequest, sink: FrameSink): AsyncIterableIterator<ExecutionResult> {
      const source = sourceOf(request.document);
      const sharer = scopeKey(options.view().shareScope(request.document), request.context);
      const key = stable([sharer, request.operationName ?? null, source, request.variables]);
      const group = groups.get(key) ?? openGroup(key, sharer, request, source);
      groups.set(key, group);
      const ends = frameEnds(sink.id, request.context.requestId);
      const client = new Client(sink, request.context, ends, group.leave);
      group.clients.add(client);
      return client;
    },
    /** Upstream subscriptions currently open (one per group). */
    get size() {
      return groups.size;
    },
    /** For readiness checks and tests: groups (upstream subscriptions), connected ones, clients, sockets. */
    stats() {
      const all = [...groups.values()];
      return {
        upstreams: all.length,
        connected: all.filter((group) => group.connected()).length,
        clients: all.reduce((sum, group) => sum + group.clients.size, 0),
        sockets: options.pool.size,
      };
    },
    closeAll() {
      for (const group of [...groups.values()]) group.close();
    },
  };
}

export type SubscriptionHub = ReturnType<typeof createSubscriptionHub>;
