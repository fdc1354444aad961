import { LRUCache } from 'lru-cache';
import type { VerifiedIdentity } from '#kit/auth.ts';
import { IDENTITY_LIFETIME_S, signGatewayIdentity } from '#kit/service-token.ts';

/** Signs, per subgraph request, the identity that subgraph trusts (SERVICE_TOKEN_SECRET, audience = its name). */
export type IdentitySigner = (
  identity: VerifiedIdentity,
  subgraph: string,
  options?: { session?: boolean },
) => Promise<string>;

/** A signed identity is reused for at most half its life, so a subgraph always gets ≥ 30 s left. */
const REUSE_MS = (IDENTITY_LIFETIME_S * 1000) / 2;

/**
 * One signature per caller, subgraph and half-minute instead of one per fetch
 * (three per federated request): the identity says the same thing either way,
 * and it lives 60 s whether it was signed now or 20 s ago.
 */
export function createIdentitySigner(secret: string, max = 10_000): IdentitySigner {
  const signed = new LRUCache<string, Promise<string>>({ max, ttl: REUSE_MS });
  return (identity, subgraph, options = {}) => {
    // A session identity carries the user's token expiry, so it is part of the key.
    const session = options.session ? identity.expiresAt : undefined;
    const key = JSON.stringify([identity.sub, identity.role, subgraph, session ?? null]);
    let token = signed.get(key);
    if (!token) {
      token = signGatewayIdentity(secret, { sub: identity.sub, role: identity.role }, subgraph, session);
      signed.set(key, token);
      token.catch(() => signed.delete(key));
    }
    return token;
  };
}
