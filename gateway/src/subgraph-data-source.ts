import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Logger } from '#kit/logger.ts';
import { IDENTITY_HEADER } from '#kit/service-token.ts';
import { retryOnStaleConnection } from '#kit/stale-connection.ts';
import type { IdentitySigner } from './auth/subgraph-identity.ts';
import type { GatewayContext } from './context.ts';
import type { InflightReads } from './inflight-reads.ts';
import { restrictCachePolicy } from './subgraph-cache-policy.ts';
import { createSubgraphClient, type PostJson, type SubgraphAnswer } from './subgraph-client.ts';

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;

/** A socket error hides its code in the cause of a wrapper at times: log the one that has it. */
const withCode = (error: unknown): unknown => {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
};

const isMutation = (query: string | undefined) => /^\s*mutation\b/.test(query ?? '');
const isJson = (type: string | undefined) =>
  !!type && (type.startsWith('application/json') || type.startsWith('application/graphql-response+json'));

export interface SubgraphDataSourceOptions {
  url: string;
  name: string;
  signIdentity: IdentitySigner;
  logger: Logger;
  inflight?: InflightReads | undefined;
  post?: PostJson;
}

/**
 * One subgraph, as @apollo/gateway's executeQueryPlan calls it. It sends the
 * subgraph an identity the gateway signs for it alone (never the user's
 * token), the request id for log correlation and, on a mutation, the caller's
 * Idempotency-Key; it answers as RemoteGraphQLDataSource does (the same error
 * for a non-2xx answer, the subgraph's Cache-Control applied to the
 * response's), without building a node-fetch Request and Headers per fetch.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  readonly url: string;
  readonly name: string;
  private readonly options: SubgraphDataSourceOptions;
  private readonly post: PostJson;

  constructor(options: SubgraphDataSourceOptions) {
    this.url = options.url;
    this.name = options.name;
    this.options = options;
    this.post = options.post ?? createSubgraphClient();
  }

  /**
   * Reads (queries, entity fetches) are retried on a connection the subgraph
   * closed while idle, and identical reads in flight share one answer. A fetch
   * that still fails (refused, reset, not 2xx) reaches clients masked, so it
   * is logged here with what an operator needs.
   */
  async process(options: ProcessOptions) {
    const { request, context } = options;
    const { query, variables, operationName, extensions } = request;
    const body = JSON.stringify({ query, variables, operationName, extensions });
    const mutation = isMutation(query);
    try {
      const send = async () => this.post(this.url, await this.headersFor(options, mutation), body);
      const read = () => retryOnStaleConnection(send);
      const inflight = this.options.inflight;
      const answer = mutation
        ? await send()
        : await (inflight ? inflight(this.readKey(context, body), read) : read());
      return this.responseOf(answer, options);
    } catch (error) {
      this.options.logger.warn(
        { requestId: context.requestId, subgraph: this.name, err: withCode(error) },
        'subgraph fetch failed',
      );
      throw error;
    }
  }

  /** Same subgraph, same body (operation and variables), same caller: the same answer. */
  private readKey(context: Partial<GatewayContext>, body: string): string {
    const { sub, role } = context.identity ?? {};
    return `${JSON.stringify([this.name, sub ?? null, role ?? null])}${body}`;
  }

  private async headersFor({ request, context }: ProcessOptions, mutation: boolean) {
    const headers: Record<string, string> = {};
    // What executeQueryPlan itself asks for (the ftv1 trace header when usage reporting is on).
    for (const [name, value] of request.http?.headers ?? []) headers[name] = value;
    headers['content-type'] = 'application/json';
    const { identity, requestId, idempotencyKey } = context as Partial<GatewayContext>;
    if (identity) headers[IDENTITY_HEADER] = await this.options.signIdentity(identity, this.name);
    if (requestId) headers['x-request-id'] = requestId;
    if (idempotencyKey && mutation) headers['idempotency-key'] = idempotencyKey;
    return headers;
  }

  /** Each caller parses its own copy (the executor merges into what it receives). */
  private responseOf(answer: SubgraphAnswer, options: ProcessOptions) {
    const type = answer.headers['content-type'];
    const parse = () => (isJson(type) ? (JSON.parse(answer.text) as unknown) : answer.text);
    if (answer.status < 200 || answer.status > 299) {
      // RemoteGraphQLDataSource's error for a subgraph's non-2xx answer, code and all.
      const code =
        answer.status === 401 ? 'UNAUTHENTICATED' : answer.status === 403 ? 'FORBIDDEN' : undefined;
      let body: unknown = answer.text;
      try {
        body = parse();
      } catch {
        // not JSON after all: the text as received
      }
      throw new GraphQLError(`${answer.status}: ${answer.statusText}`, {
        extensions: {
          response: { url: this.url, status: answer.status, statusText: answer.statusText, body },
          ...(code ? { code } : {}),
        },
      });
    }
    const result = parse();
    if (typeof result !== 'object' || result === null) {
      throw new Error(`Expected JSON response body, but received: ${String(result)}`);
    }
    if ('incomingRequestContext' in options) {
      restrictCachePolicy(options.incomingRequestContext, answer.headers['cache-control']);
    }
    return result as Awaited<ReturnType<GraphQLDataSource['process']>>;
  }
}

/** One data source per subgraph, at the configured address (else the supergraph's), sharing one client. */
export const buildDataSources = (
  subgraphs: readonly { name: string; url: string }[],
  urls: Record<string, string>,
  shared: Omit<SubgraphDataSourceOptions, 'url' | 'name'>,
) => {
  const post = shared.post ?? createSubgraphClient();
  return Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      new SubgraphDataSource({ ...shared, post, url: urls[name] ?? url, name }),
    ]),
  );
};
