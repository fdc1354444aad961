import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { IDENTITY_HEADER } from '#kit/service-token.ts';
import type { IdentitySigner } from './auth/subgraph-identity.ts';
import type { GatewayContext } from './context.ts';

type SendRequest = Parameters<RemoteGraphQLDataSource<GatewayContext>['willSendRequest'] & {}>[0];

/**
 * Sends the subgraph an identity the gateway signs for it alone (never the
 * user's token), the request id for log correlation and, on a mutation, the
 * caller's Idempotency-Key.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  // Set by buildDataSources; `declare` keeps the class fields from resetting them after the base constructor.
  declare subgraph: string;
  declare signIdentity: IdentitySigner;

  override async willSendRequest({ request, context }: SendRequest) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context.identity) {
      headers.set(IDENTITY_HEADER, await this.signIdentity(context.identity, this.subgraph));
    }
    if (context.requestId) headers.set('x-request-id', context.requestId);
    if (context.idempotencyKey && /^\s*mutation\b/.test(request.query ?? '')) {
      headers.set('idempotency-key', context.idempotencyKey);
    }
  }
}

/** One data source per subgraph, at the configured address (else the supergraph's). */
export const buildDataSources = (
  subgraphs: readonly { name: string; url: string }[],
  urls: Record<string, string>,
  signIdentity: IdentitySigner,
) =>
  Object.fromEntries(
    subgraphs.map(({ name, url }) => [
      name,
      Object.assign(new SubgraphDataSource({ url: urls[name] ?? url }), { subgraph: name, signIdentity }),
    ]),
  );
