import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayContext } from './context.ts';

type SendRequest = Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0];

/**
 * Forwards the caller's verified bearer token (each subgraph verifies it
 * again: that is the form they trust) and the request id for log correlation.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: SendRequest) {
    if (context.authorization) request.http?.headers.set('authorization', context.authorization);
    if (context.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }
}

/** One data source per subgraph, at the configured address (else the supergraph's). */
export const buildDataSources = (
  subgraphs: readonly { name: string; url: string }[],
  urls: Record<string, string>,
) =>
  Object.fromEntries(
    subgraphs.map(({ name, url }) => [name, new SubgraphDataSource({ url: urls[name] ?? url })]),
  );
