import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Logger } from '#kit/logger.ts';
import { retryOnStaleConnection } from '#kit/stale-connection.ts';
import type { GatewayContext } from './context.ts';
import type { InflightReads } from './inflight-reads.ts';

type SendRequest = Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0];
type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>['process']>[0];

const isMutation = (query: string | undefined) => /^\s*mutation\b/.test(query ?? '');

/**
 * Forwards the caller's verified bearer token (each subgraph verifies it
 * again: that is the form they trust) and the request id for log correlation.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly name: string;
  readonly logger: Logger;
  readonly inflight: InflightReads | undefined;

  constructor(options: { url: string; name: string; logger: Logger; inflight?: InflightReads | undefined }) {
    super({ url: options.url });
    this.name = options.name;
    this.logger = options.logger;
    this.inflight = options.inflight;
  }

  /**
   * Reads (queries, entity fetches) are retried on a connection the subgraph
   * closed while idle. A fetch that still fails (refused, reset, not 2xx)
   * reaches clients masked, so it is logged here with what an operator needs.
   */
  override async process(options: ProcessOptions) {
    const attempt = () => super.process(options);
    try {
      if (isMutation(options.request.query)) return await attempt();
      const read = () => retryOnStaleConnection(attempt);
      return await (this.inflight ? this.inflight(this.readKey(options), read) : read());
    } catch (error) {
      this.logger.warn(
        { requestId: options.context.requestId, subgraph: this.name, err: error },
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

  override willSendRequest({ request, context }: SendRequest) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

/** One data source per subgraph, at the configured address (else the supergraph's). */
export const buildDataSources = (
  subgraphs: readonly { name: string; url: string }[],
  urls: Record<string, string>,
  logger: Logger,
  inflight?: InflightReads,
) =>
  Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      new SubgraphDataSource({ url: urls[name] ?? url, name, logger, inflight }),
    ]),
  );
