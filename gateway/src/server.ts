import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import { print } from 'graphql';
import { createTokenVerifier } from '#kit/auth.ts';
import type { Logger } from '#kit/logger.ts';
import { httpContext } from './auth/http-context.ts';
import { introspectionEnabled, subgraphUrls, suggestionsEnabled, type GatewayConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { formatGatewayError } from './errors.ts';
import { serveConsole } from './console/route.ts';
import { serveGraphiql } from './graphiql/route.ts';
import { bodyErrors, healthRoutes, tokenLimit } from './http-routes.ts';
import { limitRules } from './limits/operation-limits.ts';
import { requestIdMiddleware } from './request-id.ts';
import { requestLogPlugin } from './request-log-plugin.ts';
import { buildDataSources } from './subgraph-data-source.ts';
import { supergraphSource } from './supergraph-source.ts';
import { createSubscriptionHub } from './subscriptions/hub.ts';
import { buildSupergraphView, type SupergraphView } from './subscriptions/planner.ts';
import { attachWebSocketServer } from './subscriptions/ws-server.ts';
import { variableErrorsPlugin } from '#kit/variable-errors-plugin.ts';

/** Builds the gateway (HTTP and WebSocket on one server); listens nowhere. */
export async function createServer({ config, logger }: { config: GatewayConfig; logger: Logger }) {
  const urls = subgraphUrls(config);
  const gateway = new ApolloGateway({
    ...supergraphSource(config),
    buildService: ({ name, url }) => buildDataSources([{ name, url: url ?? '' }], urls)[name]!,
  });
  // The subscription side plans on the same supergraph the gateway serves, rebuilt on every update.
  let view: SupergraphView | undefined;
  let dataSources: ServiceMap = {};
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    view = buildSupergraphView(coreSupergraphSdl);
    dataSources = buildDataSources(view.subgraphs, urls);
  });

  const app = express();
  const httpServer = createHttpServer(app);
  const rules = limitRules(config);
  const formatError = formatGatewayError({
    exposeInternals: config.NODE_ENV === 'development',
    suggestions: suggestionsEnabled(config),
  });
  const apollo = new ApolloServer<GatewayContext>({
    // Shutdown is ours (closeOnSignals): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    gateway,
    formatError,
    includeStacktraceInErrorResponses: config.NODE_ENV === 'development',
    introspection: introspectionEnabled(config),
    hideSchemaDetailsFromClientErrors: !suggestionsEnabled(config),
    csrfPrevention: config.CSRF_PREVENTION,
    validationRules: rules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestLogPlugin(logger),
      variableErrorsPlugin<GatewayContext>(),
    ],
  });
  await apollo.start();
  const verifyToken = createTokenVerifier(config);
  const hub = createSubscriptionHub({
    view: () => view!,
    dataSources: () => dataSources,
    subgraphUrl: (name) => urls[name] ?? view!.subgraphs.find((subgraph) => subgraph.name === name)!.url,
    retryBaseMs: config.SUBSCRIPTION_RETRY_BASE_MS,
    retryMaxMs: config.SUBSCRIPTION_RETRY_MAX_MS,
    logger,
  });
  const sockets = attachWebSocketServer({
    httpServer,
    logger,
    verifyToken,
    minRole: config.WS_MIN_ROLE,
    maxTokens: config.MAX_TOKENS,
    introspection: introspectionEnabled(config),
    limitRules: rules,
    view: () => view!,
    hub,
    formatError,
    executeOperation: async ({ document, variableValues, operationName, contextValue }) => {
      const response = await apollo.executeOperation(
        {
          query: print(document),
          variables: variableValues ?? {},
          operationName: operationName ?? undefined,
        },
        { contextValue: contextValue as GatewayContext },
      );
      return response.body.kind === 'single' ? (response.body.singleResult as never) : { data: null };
    },
  });

  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  healthRoutes(app, { urls, loaded: () => view !== undefined, timeoutMs: config.READY_TIMEOUT_MS });
  if (config.GRAPHIQL) serveGraphiql(app);
  app.use(
    '/graphql',
    cors(),
    express.json({ limit: config.MAX_BODY_SIZE }),
    bodyErrors,
    tokenLimit(config.MAX_TOKENS),
    expressMiddleware(apollo, { context: httpContext(verifyToken) }),
  );
  serveConsole(app, config);
  logger.debug({ subgraphs: urls }, 'gateway built');
  return {
    app,
    httpServer,
    apollo,
    gateway,
    hub,
    /** WebSockets first (close code 1001, upstreams released), then in-flight HTTP drains. */
    close: async () => {
      await sockets.close();
      hub.closeAll();
      await apollo.stop();
    },
  };
}
