import type { Server } from 'node:http';
import { createServer } from 'node:http';
import express, { type Express, type Request } from 'express';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Identity, TokenVerifier } from './auth.ts';
import { DomainError, formatError } from './errors.ts';
import { variableErrorsPlugin } from './variable-errors-plugin.ts';
import type { Logger } from './logger.ts';

/** The operation @apollo/gateway sends to check a subgraph; the only one allowed without a token. */
const HEALTH_CHECK_OPERATION = '__ApolloServiceHealthCheck__';

export interface SubgraphAppOptions<Ctx> {
  name: string;
  schema: GraphQLSchema;
  logger: Logger;
  verifyToken: TokenVerifier;
  /** Builds the resolver context from the verified caller (fork the entity manager here). */
  context: (base: { identity: Identity | undefined; req: Request }) => Ctx | Promise<Ctx>;
  /** Throws when the service cannot serve (database down). */
  ready: () => Promise<void>;
  exposeInternals: boolean;
  plugins?: ApolloServerPlugin<Ctx & object>[];
  /**
   * Who is calling. Default: the verified bearer token. A subgraph that also
   * accepts its own credentials (factory API clients, HTTP Basic) may return
   * undefined for those and check them in its resolvers.
   */
  authenticate?: (req: Request, verifyBearer: () => Promise<Identity>) => Promise<Identity | undefined>;
  /** Extra routes (webhooks) mounted before /graphql. */
  routes?: (app: Express) => void;
}

export interface SubgraphApp {
  app: Express;
  httpServer: Server;
  apollo: ApolloServer<object>;
}

/**
 * A subgraph's HTTP side with no side effects beyond construction: /graphql
 * (only for callers with a verified token), /health and /ready.
 */
export async function createSubgraphApp<Ctx extends object>(
  options: SubgraphAppOptions<Ctx>,
): Promise<SubgraphApp> {
  const app = express();
  const httpServer = createServer(app);
  const apollo = new ApolloServer<Ctx>({
    // Shutdown is ours (closeOnSignals): Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    schema: options.schema,
    formatError: formatError(options.exposeInternals),
    includeStacktraceInErrorResponses: options.exposeInternals,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      variableErrorsPlugin<Ctx>(),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
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
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const operationName = (req.body as { operationName?: string } | undefined)?.operationName;
        let identity: Identity | undefined;
        if (operationName !== HEALTH_CHECK_OPERATION) {
          try {
            const verifyBearer = () => options.verifyToken(req.headers.authorization);
            identity = options.authenticate
              ? await options.authenticate(req, verifyBearer)
              : await verifyBearer();
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            throw new GraphQLError(error.message, {
              extensions: { code: error.code, http: { status: 401 } },
            });
          }
        }
        return options.context({ identity, req });
      },
    }),
  );
  return { app, httpServer, apollo: apollo as unknown as ApolloServer<object> };
}
