import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Identity } from '#kit/auth.ts';
import { DomainError } from '#kit/errors.ts';
import type { Logger } from '#kit/logger.ts';
import { limitRules, type LimitSettings } from '#kit/operation-limits.ts';
import type { SubgraphVerifier } from '#kit/service-token.ts';
import { closeWhenExpired, WS_UNAUTHORIZED } from '#kit/socket-auth.ts';
import { checkSocketOperation } from '#kit/socket-operation.ts';
import {
  checkSubscriptionCount,
  createConnectionCounter,
  type SocketLimitSettings,
} from '#kit/socket-limits.ts';
import type { Context } from '../context.ts';

export interface SubscriptionServer {
  close(): Promise<void>;
}

type Extra = { socket: WebSocket; identity?: Identity };

/**
 * graphql-ws (subprotocol graphql-transport-ws) at /graphql on the HTTP
 * server's port, for the gateway only: `connectionParams.identity` is the
 * identity it signed for orders. Anything else is closed with 4401, and so is
 * the socket when the user's session behind it ends. Operations pass the same
 * limits as HTTP, and the socket limits (message size, subscriptions per
 * socket, sockets per identity) apply as at the gateway.
 */
export function serveSubscriptions(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  verifier: SubgraphVerifier;
  limits: LimitSettings;
  socketLimits: SocketLimitSettings;
  logger: Logger;
  context: (identity: Identity) => Context;
}): SubscriptionServer {
  const wss = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: options.socketLimits.WS_MAX_PAYLOAD,
  });
  const connections = createConnectionCounter(options.socketLimits.WS_MAX_CONNECTIONS_PER_IDENTITY);
  const rules = limitRules(options.limits);
  const server = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const token = ctx.connectionParams?.identity;
        try {
          const caller = await options.verifier.identity(typeof token === 'string' ? token : undefined);
          if (!connections.admit(ctx.extra.socket, caller.sub)) return false;
          ctx.extra.identity = { sub: caller.sub, role: caller.role };
          closeWhenExpired(ctx.extra.socket, caller.sessionExpiresAt ?? caller.expiresAt);
          return true;
        } catch (error) {
          if (!(error instanceof DomainError))
            options.logger.error({ err: error }, 'subscription auth failed');
          ctx.extra.socket.close(
            WS_UNAUTHORIZED,
            error instanceof DomainError ? error.message : 'Unauthorized',
          );
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const tooMany = checkSubscriptionCount(ctx.subscriptions, options.socketLimits.WS_MAX_SUBSCRIPTIONS);
        if (tooMany) return [tooMany];
        const checked = checkSocketOperation(options.schema, payload, {
          rules,
          maxTokens: options.limits.MAX_TOKENS,
          maxCost: options.limits.MAX_COST,
        });
        return 'errors' in checked ? checked.errors : undefined;
      },
      context: (ctx) => options.context(ctx.extra.identity!) as never,
    },
    wss,
  );
  return {
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
