import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes are not requests anyone traces. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

const untraced = (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]!);

/**
 * The instrumentations every service runs with: HTTP in and out (the gateway's
 * subgraph fetches, webhooks, Google's API), fetch (undici: production requests
 * and customer lookups), Express routes, GraphQL parse/validate/execute and
 * non-trivial resolvers, PostgreSQL and MongoDB. Each injects and extracts W3C
 * `traceparent`, so a request is one trace across services.
 */
export const serviceInstrumentations = (): Instrumentation[] => [
  new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
  new UndiciInstrumentation(),
  new ExpressInstrumentation(),
  new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true }),
  new PgInstrumentation({ requireParentSpan: true }),
  new MongoDBInstrumentation({ requireParentSpan: true }),
];
