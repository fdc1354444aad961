import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { createTokenVerifier } from '#kit/auth.ts';
import { DomainError, formatError } from '#kit/errors.ts';
import type { Logger } from '#kit/logger.ts';
import { subgraphUrls, type GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';

const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');

/** Forwards the caller's verified bearer token, so each subgraph checks it again. */
class AuthenticatedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0]) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
  }
}

/** Builds the gateway over the static supergraph; listens nowhere. */
export async function createServer({ config, logger }: { config: GatewayConfig; logger: Logger }) {
  const urls = subgraphUrls(config);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new AuthenticatedDataSource({ url: urls[name] ?? url }),
  });
  const app = express();
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatError(config.NODE_ENV === 'development'),
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const verifyToken = createTokenVerifier(config);

  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(urls).map(async ([name, url]) => {
        const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2000) }).catch(
          () => null,
        );
        return [name, response?.ok ? 'ready' : 'unavailable'] as const;
      }),
    );
    const ready = checks.every(([, state]) => state === 'ready');
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'unavailable', subgraphs: Object.fromEntries(checks) });
  });
  app.use(
    '/graphql',
    cors(),
    express.json({ limit: '100kb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const authorization = req.headers.authorization ?? '';
          return { identity: await verifyToken(authorization), authorization };
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
        }
      },
    }),
  );
  logger.debug({ subgraphs: urls }, 'gateway built');
  return { app, httpServer, apollo, gateway };
}
