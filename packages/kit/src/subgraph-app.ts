import type { Server } from 'node:http';
import { createServer } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { apolloMiddleware } from './apollo-middleware.ts';
import type { Identity } from './auth.ts';
import { DomainError, formatError } from './errors.ts';
import { variableCostPlugin } from './limits-plugin.ts';
import { checkTokenLimit, limitRules, type LimitSettings } from './operation-limits.ts';
import { IDENTITY_HEADER, type SubgraphCaller, type SubgraphVerifier } from './service-token.ts';
import { variableErrorsPlugin } from './variable-errors-plugin.ts';
import type { Logger } from './logger.ts';
import type { Registry } from 'prom-client';
import { graphqlRequestMetrics } from './metrics/graphql-metrics.ts';
import { httpMetrics, mountMetrics } from './metrics/metrics-route.ts';
import { createMetricsRegistry } from './metrics/registry.ts';

export interface SubgraphAppOptions<Ctx> {
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  /** Accepts the gateway's identity for this subgraph, or a named service's token; nothing else. */
  verifier: SubgraphVerifier;
  /** A second line behind the gateway's limits, for whoever holds a credential. */
  limits: LimitSettings;
  /** Builds the resolver context from the verified caller (fork the entity manager here). */
  context: (base: { identity: Identity | undefined; req: Request }) => Ctx | Promise<Ctx>;
  /** Throws when the service cannot serve (database down). */
  ready: () => Promise<void>;
  exposeInternals: boolean;
  plugins?: ApolloServerPlugin<Ctx & object>[];
  /**
   * Who is calling. Default: the gateway's identity or a service token. A
   * subgraph that also accepts its own credentials (factory API clients,
   * HTTP Basic) may return undefined for those and check them in its resolvers.
   */
  authenticate?: (req: Request, verifyCaller: () => Promise<SubgraphCaller>) => Promise<Identity | undefined>;
  /** Extra routes (webhooks) mounted before /graphql. */
  routes?: (app: Express) => void;
  /** What `GET /metrics` asks for (metricsTokenOf(config)); undefined: not served. */
  metricsToken?: string | undefined;
}

export interface SubgraphApp {
  app: Express;
  httpServer: Server;
  apollo: ApolloServer<object>;
  /** The service's Prometheus registry, served at /metrics: register domain metrics here. */
  metrics: Registry;
  /** The verifier the app was built with (for routes mounted later: Agendash). */
  verifier: SubgraphVerifier;
}

/**
 * A subgraph's HTTP side with no side effects beyond construction: /graphql
 * (only through the gateway or for a named service, `_service { sdl }`
 * included), /health and /ready.
 */
export async function createSubgraphApp<Ctx extends object>(
  options: SubgraphAppOptions<Ctx>,
): Promise<SubgraphApp> {
  const app = express();
  const httpServer = createServer(app);
  const metrics = createMetricsRegistry(options.name);
  const apollo = new ApolloServer<Ctx>({
    // Shutdown is ours (closeOnSignals): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    schema: options.schema,
    validationRules: limitRules(options.limits),
    formatError: formatError(options.exposeInternals),
    includeStacktraceInErrorResponses: options.exposeInternals,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      variableErrorsPlugin<Ctx>(),
      variableCostPlugin<Ctx>(options.limits.MAX_COST),
      graphqlRequestMetrics<Ctx>(metrics),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(httpMetrics(metrics));
  mountMetrics(app, metrics, options.metricsToken);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.ready();
      res.json({ status: 'ready', service: options.name });
    } catch (error) {
      options.logger.warn({ err: error }, 'not ready');
      res.status(503).json({ status: 'unavailable', service: options.name });
    }
  });
  options.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      const exceeded = checkTokenLimit(
        (req.body as { query?: unknown } | undefined)?.query,
        options.limits.MAX_TOKENS,
      );
      if (!exceeded) return next();
      res
        .status(400)
        .json({ errors: [{ message: exceeded.message, extensions: { code: exceeded.extensions.code } }] });
    },
    apolloMiddleware(apollo, {
      context: async ({ req }) => {
        let identity: Identity | undefined;
        try {
          const verifyCaller = () =>
            options.verifier.request({
              identity: req.get(IDENTITY_HEADER),
              authorization: req.headers.authorization,
            });
          identity = options.authenticate
            ? await options.authenticate(req, verifyCaller)
            : await verifyCaller();
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          throw new GraphQLError(error.message, {
            extensions: { code: error.code, http: { status: 401 } },
          });
        }
        return options.context({ identity, req });
      },
    }),
  );
  return {
    app,
    httpServer,
    apollo: apollo as unknown as ApolloServer<object>,
    metrics,
    verifier: options.verifier,
  };
}
