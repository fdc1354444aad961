import type { VerifiedIdentity } from '#kit/auth.ts';
import { signGatewayIdentity } from '#kit/service-token.ts';

/** Signs, per subgraph request, the identity that subgraph trusts (SERVICE_TOKEN_SECRET, audience = its name). */
export type IdentitySigner = (
  identity: VerifiedIdentity,
  subgraph: string,
  options?: { session?: boolean },
) => Promise<string>;

export const createIdentitySigner =
  (secret: string): IdentitySigner =>
  (identity, subgraph, options = {}) =>
    signGatewayIdentity(
      secret,
      { sub: identity.sub, role: identity.role },
      subgraph,
      options.session ? identity.expiresAt : undefined,
    );
