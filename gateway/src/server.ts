import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import cors from 'cors';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, type ServiceMap } from '@apollo/gateway';
import { GraphQLError, print, type GraphQLFormattedError } from 'graphql';
import { createTokenVerifier } from '#kit/auth.ts';
import type { Logger } from '#kit/logger.ts';
import { httpContext } from './auth/http-context.ts';
import {
  graphiqlEnabled,
  introspectionEnabled,
  subgraphUrls,
  suggestionsEnabled,
  type GatewayConfig,
} from './config.ts';
import type { GatewayContext } from './context.ts';
import { formatGatewayError } from './errors.ts';
import { serveConsole } from './console/route.ts';
import { serveGraphiql } from './graphiql/route.ts';
import { bodyErrors, healthRoutes, tokenLimit } from './http-routes.ts';
import { limitRules, noIntrospectionRule } from '#kit/operation-limits.ts';
import { apolloMiddleware } from '#kit/apollo-middleware.ts';
import { requestIdMiddleware } from './request-id.ts';
import { requestLogPlugin } from './request-log-plugin.ts';
import { createInflightReads } from './inflight-reads.ts';
import { buildDataSources } from './subgraph-data-source.ts';
import { createSubgraphClient } from './subgraph-client.ts';
import { supergraphSource } from './supergraph-source.ts';
import { encodeResult } from './subscriptions/frames.ts';
import { createSubscriptionHub } from './subscriptions/hub.ts';
import { createUpstreamPool } from './subscriptions/upstream-pool.ts';
import { buildSupergraphView, type SupergraphView } from './subscriptions/planner.ts';
import { attachWebSocketServer } from './subscriptions/ws-server.ts';
import { variableErrorsPlugin } from '#kit/variable-errors-plugin.ts';
import { variableCostPlugin } from '#kit/limits-plugin.ts';
import { createIdentitySigner } from './auth/subgraph-identity.ts';
import { mountMetrics, metricsTokenOf } from '#kit/metrics/metrics-route.ts';
import { createGatewayMetrics } from './metrics.ts';
import { rememberVerifiedTokens } from './auth/verified-tokens.ts';

/** Builds the gateway (HTTP and WebSocket on one server); listens nowhere. */
export async function createServer({ config, logger }: { config: GatewayConfig; logger: Logger }) {
  const urls = subgraphUrls(config);
  // @apollo/gateway reads this in its constructor and otherwise reports usage to Apollo every hour.
  process.env.APOLLO_TELEMETRY_DISABLED = config.APOLLO_TELEMETRY ? 'false' : '1';
  const fetching = {
    signIdentity: createIdentitySigner(config.SERVICE_TOKEN_SECRET),
    logger,
    inflight: config.DEDUPLICATE_READS ? createInflightReads() : undefined,
    // One pool of keep-alive sockets per subgraph, for queries and subscription events alike.
    post: createSubgraphClient(),
  };
  const metrics = createGatewayMetrics();
  const gateway = new ApolloGateway({
    ...supergraphSource(config),
    buildService: ({ name, url }) =>
      metrics.timeFetches(buildDataSources([{ name, url: url ?? '' }], urls, fetching))[name]!,
  });
  // The subscription side plans on the same supergraph the gateway serves, rebuilt on every update.
  let view: SupergraphView | undefined;
  let dataSources: ServiceMap = {};
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    view = buildSupergraphView(coreSupergraphSdl);
    dataSources = metrics.timeFetches(buildDataSources(view.subgraphs, urls, fetching));
  });

  const app = express();
  const httpServer = createHttpServer(app);
  // Introspection is refused by our own rule (INTROSPECTION_DISABLED), the same over HTTP and WebSocket.
  const rules = introspectionEnabled(config)
    ? limitRules(config)
    : [...limitRules(config), noIntrospectionRule];
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
    introspection: true,
    hideSchemaDetailsFromClientErrors: !suggestionsEnabled(config),
    csrfPrevention: config.CSRF_PREVENTION,
    validationRules: rules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      requestLogPlugin(logger),
      variableErrorsPlugin<GatewayContext>(),
      variableCostPlugin<GatewayContext>(config.MAX_COST),
      metrics.plugin,
    ],
  });
  await apollo.start();
  const verifyToken = rememberVerifiedTokens(createTokenVerifier(config));
  // Results from Apollo's executeOperation arrive already formatted (plain objects).
  const formatErrors = (errors: readonly (GraphQLError | GraphQLFormattedError)[]) =>
    errors.map((error) => (error instanceof GraphQLError ? formatError(error.toJSON(), error) : error));
  const hub = createSubscriptionHub({
    view: () => view!,
    dataSources: () => dataSources,
    pool: createUpstreamPool({
      // The user's token stays here: the subgraph gets an identity signed for it, carrying the session's end.
      connectionParams: async (context, subgraph) => ({
        identity: await fetching.signIdentity(context.identity, subgraph, { session: true }),
      }),
      retryBaseMs: config.SUBSCRIPTION_RETRY_BASE_MS,
      retryMaxMs: config.SUBSCRIPTION_RETRY_MAX_MS,
      logger,
    }),
    encode: (result) =>
      encodeResult(result.errors ? { ...result, errors: formatErrors(result.errors) as never } : result),
    subgraphUrl: (name) => urls[name] ?? view!.subgraphs.find((subgraph) => subgraph.name === name)!.url,
    logger,
    observeEvent: metrics.observeEvent,
  });
  metrics.watchSubscriptions(() => hub.stats());
  const sockets = attachWebSocketServer({
    httpServer,
    logger,
    verifyToken,
    minRole: config.WS_MIN_ROLE,
    maxTokens: config.MAX_TOKENS,
    maxCost: config.MAX_COST,
    socketLimits: config,
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
  app.use(metrics.http);
  mountMetrics(app, metrics.registry, metricsTokenOf(config));
  app.use(requestIdMiddleware);
  healthRoutes(app, { urls, loaded: () => view !== undefined, timeoutMs: config.READY_TIMEOUT_MS });
  if (graphiqlEnabled(config)) serveGraphiql(app, { tokenInUrl: config.NODE_ENV !== 'production' });
  app.use(
    '/graphql',
    cors({ origin: config.CORS_ORIGINS.includes('*') ? '*' : config.CORS_ORIGINS }),
    express.json({ limit: config.MAX_BODY_SIZE }),
    bodyErrors,
    tokenLimit(config.MAX_TOKENS),
    apolloMiddleware(apollo, { context: httpContext(verifyToken) }),
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
