import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '#kit/logger.ts';
import { IDENTITY_HEADER } from '#kit/service-token.ts';
import { retryOnStaleConnection } from '#kit/stale-connection.ts';
import type { IdentitySigner } from './auth/subgraph-identity.ts';
import type { GatewayContext } from './context.ts';
import type { InflightReads } from './inflight-reads.ts';

type SendRequest = Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0];
type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

/** fetch's own TypeError ("fetch failed") hides the socket's code in its cause: log the one that has it. */
const withCode = (error: unknown): unknown => {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof (current as { code?: unknown }).code === 'string') return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
};

const isMutation = (query: string | undefined) => /^\s*mutation\b/.test(query ?? '');

export interface SubgraphDataSourceOptions {
  url: string;
  name: string;
  signIdentity: IdentitySigner;
  logger: Logger;
  inflight?: InflightReads | undefined;
}

/**
 * Sends the subgraph an identity the gateway signs for it alone (never the
 * user's token), the request id for log correlation and, on a mutation, the
 * caller's Idempotency-Key.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  readonly signIdentity: IdentitySigner;
  readonly logger: Logger;
  readonly inflight: InflightReads | undefined;

  constructor(options: SubgraphDataSourceOptions) {
    // Node's own fetch (undici, keep-alive pool): Apollo's default make-fetch-happen costs more CPU per fetch.
    super({ url: options.url, fetcher: fetch as never });
    this.name = options.name;
    this.signIdentity = options.signIdentity;
    this.logger = options.logger;
    this.inflight = options.inflight;
  }

  /**
   * Reads (queries, entity fetches) are retried on a connection the subgraph
   * closed while idle, and identical reads in flight share one fetch. A fetch
   * that still fails (refused, reset, not 2xx) reaches clients masked, so it
   * is logged here with what an operator needs.
   */
  override async process(options: ProcessOptions) {
    const attempt = () => super.process(options);
    try {
      if (isMutation(options.request.query)) return await attempt();
      const read = () => retryOnStaleConnection(attempt);
      return await (this.inflight ? this.inflight(this.readKey(options), read) : read());
    } catch (error) {
      this.logger.warn(
        { requestId: options.context.requestId, subgraph: this.name, err: withCode(error) },
        'subgraph fetch failed',
      );
      throw error;
    }
  }

  /** Same subgraph, same operation and variables, same caller: the same answer. */
  private readKey({ request, context }: ProcessOptions): string {
    const { sub, role } = context.identity ?? {};
    return JSON.stringify([this.name, sub, role, request.operationName, request.query, request.variables]);
  }

  override async willSendRequest({ request, context }: SendRequest) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context.identity) headers.set(IDENTITY_HEADER, await this.signIdentity(context.identity, this.name));
    if (context.requestId) headers.set('x-request-id', context.requestId);
    if (context.idempotencyKey && isMutation(request.query)) {
      headers.set('idempotency-key', context.idempotencyKey);
    }
  }
}

/** One data source per subgraph, at the configured address (else the supergraph's). */
export const buildDataSources = (
  subgraphs: readonly { name: string; url: string }[],
  urls: Record<string, string>,
  shared: Omit<SubgraphDataSourceOptions, 'url' | 'name'>,
) =>
  Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      new SubgraphDataSource({ ...shared, url: urls[name] ?? url, name }),
    ]),
  );
