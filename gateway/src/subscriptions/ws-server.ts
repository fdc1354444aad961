import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ExecutionResult,
  type GraphQLFormattedError,
  type ValidationRule,
} from 'graphql';
import type { Role, TokenVerifier } from '#kit/auth.ts';
import type { Logger } from '#kit/logger.ts';
import { authenticateSocket, type SocketIdentity } from '../auth/ws-auth.ts';
import type { GatewayContext } from '../context.ts';
import { LRUCache } from 'lru-cache';
import { checkSocketOperation, type SocketOperation } from '#kit/socket-operation.ts';
import {
  checkSubscriptionCount,
  createConnectionCounter,
  type SocketLimitSettings,
} from '#kit/socket-limits.ts';
import { pickRequestId } from '../request-id.ts';
import { frameBody, type FrameSink } from './frames.ts';
import type { SubscriptionHub } from './hub.ts';
import type { SupergraphView } from './planner.ts';

export interface WebSocketOptions {
  httpServer: Server;
  logger: Logger;
  verifyToken: TokenVerifier;
  minRole: Role;
  maxTokens: number;
  maxCost: number;
  socketLimits: SocketLimitSettings;
  limitRules: ValidationRule[];
  view: () => SupergraphView;
  hub: SubscriptionHub;
  /** Queries and mutations sent over the socket go through the HTTP pipeline's executor. */
  executeOperation: (args: ExecutionArgs) => Promise<ExecutionResult>;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

type Extra = { socket: WebSocket; request?: IncomingMessage; caller?: SocketIdentity; stream?: Socket };

/** The socket and subscription id of each subscription's context, for the hub to write frames to. */
const sinks = new WeakMap<object, FrameSink>();

/** A client's subscription on its socket (a class: thousands are held, each with three fields). */
class SocketSink implements FrameSink {
  readonly id: string;
  readonly #socket: WebSocket;
  /** The TCP socket under it: corked around several frames, they leave in one write (one syscall). */
  readonly #stream: Socket | undefined;
  constructor(socket: WebSocket, id: string, stream: Socket | undefined) {
    this.#socket = socket;
    this.id = id;
    this.#stream = stream;
  }
  // A whole frame straight to the TCP socket, one write: ws (no compression here) writes each of
  // its own frames whole and at once, so none is split, and a text message is ready-made bytes.
  send(frame: Buffer) {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#stream) this.#stream.write(frame);
    else this.#socket.send(frameBody(frame), { binary: false });
  }
  sendAll(frames: readonly Buffer[]) {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#stream?.cork();
    for (const frame of frames) this.send(frame);
    this.#stream?.uncork();
  }
}

/**
 * A flat copy of a string: randomUUID() returns a rope of a dozen pieces (~450 bytes), which a
 * context kept for a subscription's life would hold as such.
 */
const flat = (text: string) => JSON.parse(JSON.stringify(text)) as string;

/** graphql-ws on /graphql of the gateway's own HTTP server: auth on connection_init, limits per operation. */
export function attachWebSocketServer(options: WebSocketOptions) {
  // A message larger than maxPayload closes the socket (1009) before it is read into a string.
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.socketLimits.WS_MAX_PAYLOAD,
    // SocketSink writes ready-made uncompressed frames to the TCP socket: no extension may change
    // a frame's bytes (ws's default, said here so that it stays so).
    perMessageDeflate: false,
  });
  const connections = createConnectionCounter(options.socketLimits.WS_MAX_CONNECTIONS_PER_IDENTITY);
  // Results from Apollo's executeOperation arrive already formatted (plain objects).
  const format = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) =>
      error instanceof GraphQLError ? options.formatError(error.toJSON(), error) : error,
    );
  const rules = options.limitRules;
  // Thousands of clients send the same few operations: one parsed, checked document each, shared.
  const checkedDocuments = new LRUCache<string, { document: DocumentNode }>({ max: 1000 });
  let checkedFor: GraphQLSchema | undefined;
  const checkOperation = (schema: GraphQLSchema, payload: SocketOperation) => {
    if (checkedFor !== schema) checkedDocuments.clear();
    checkedFor = schema;
    const key = JSON.stringify([payload.query, payload.operationName ?? null, payload.variables ?? null]);
    const known = checkedDocuments.get(key);
    if (known) return known;
    const checked = checkSocketOperation(schema, payload, {
      rules,
      maxTokens: options.maxTokens,
      maxCost: options.maxCost,
    });
    if ('document' in checked) checkedDocuments.set(key, checked);
    return checked;
  };

  const server = useServer<Record<string, unknown>, Extra>(
    {
      onConnect: async (ctx) => {
        const caller = await authenticateSocket(
          ctx.extra.socket,
          ctx.connectionParams,
          options.verifyToken,
          options.minRole,
        );
        if (!caller || !connections.admit(ctx.extra.socket, caller.identity.sub)) return false;
        ctx.extra.caller = caller;
        ctx.extra.stream = ctx.extra.request?.socket;
        // graphql-ws keeps ctx for the socket's life: not the upgrade request (its headers, ~2 KB)
        // nor the user's token, neither of which is read again.
        Reflect.deleteProperty(ctx.extra, 'request');
        for (const key of Object.keys(ctx.connectionParams ?? {}))
          if (key.toLowerCase() === 'authorization') Reflect.deleteProperty(ctx.connectionParams!, key);
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const tooMany = checkSubscriptionCount(ctx.subscriptions, options.socketLimits.WS_MAX_SUBSCRIPTIONS);
        if (tooMany) return [tooMany];
        const schema = options.view().apiGraphQLSchema;
        const checked = checkOperation(schema, payload);
        if ('errors' in checked) return checked.errors;
        const { document } = checked;
        const requestId = flat(pickRequestId(payload.extensions?.requestId));
        const contextValue: GatewayContext = { ...ctx.extra.caller!, requestId };
        sinks.set(contextValue, new SocketSink(ctx.extra.socket, id, ctx.extra.stream));
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables ?? {},
          contextValue,
        };
      },
      execute: (args) => options.executeOperation(args),
      // The hub writes each event's frame to the socket itself (serialised once per group).
      subscribe: (args) =>
        options.hub.subscribe(
          {
            document: args.document,
            operationName: args.operationName,
            variables: (args.variableValues ?? {}) as Record<string, unknown>,
            context: args.contextValue as GatewayContext,
          },
          sinks.get(args.contextValue as object)!,
        ),
      // Queries and mutations (the hub formats subscription events itself).
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: format(result.errors) } : undefined,
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );
  wss.on('error', (error) => options.logger.error({ err: error }, 'websocket server error'));
  return {
    wss,
    /** Closes every socket with 1001 (going away) and stops accepting new ones. */
    close: () => server.dispose(),
  };
}
