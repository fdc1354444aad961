import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Identity, TokenVerifier } from '#kit/auth.ts';
import { DomainError } from '#kit/errors.ts';
import type { Logger } from '#kit/logger.ts';
import type { Context } from '../context.ts';

export interface SubscriptionServer {
  close(): Promise<void>;
}

/**
 * graphql-ws (subprotocol graphql-transport-ws) at /graphql on the HTTP
 * server's port. The bearer JWT comes in connectionParams.authorization;
 * a connection without a valid one is closed with 4403.
 */
export function serveSubscriptions(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  verifyToken: TokenVerifier;
  logger: Logger;
  context: (identity: Identity) => Context;
}): SubscriptionServer {
  const wss = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const server = useServer<Record<string, unknown> | undefined, { identity?: Identity }>(
    {
      schema: options.schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          ctx.extra.identity = await options.verifyToken(
            typeof authorization === 'string' ? authorization : undefined,
          );
          return true;
        } catch (error) {
          if (!(error instanceof DomainError))
            options.logger.error({ err: error }, 'subscription auth failed');
          return false;
        }
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
