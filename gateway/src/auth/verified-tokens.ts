import { LRUCache } from 'lru-cache';
import type { TokenVerifier, VerifiedIdentity } from '#kit/auth.ts';

/** Long enough that a client's burst verifies once; short enough that a key rotation soon applies. */
const REMEMBER_MS = 60_000;

/**
 * Remembers each token that verified, until it expires (or a minute, whichever
 * is sooner): verifying is an HMAC or signature check plus a key import, the
 * largest CPU cost per request in a profile, and a token's verdict cannot change
 * before its expiry. Refusals are not remembered (they are cheap to repeat and
 * should stay visible in the logs).
 */
export function rememberVerifiedTokens(verify: TokenVerifier, max = 10_000): TokenVerifier {
  const verified = new LRUCache<string, VerifiedIdentity>({ max });
  return async (authorization) => {
    const known = authorization ? verified.get(authorization) : undefined;
    if (known && known.expiresAt * 1000 > Date.now()) return known;
    const identity = await verify(authorization);
    const ttl = Math.min(REMEMBER_MS, identity.expiresAt * 1000 - Date.now());
    if (authorization && ttl > 0) verified.set(authorization, identity, { ttl });
    return identity;
  };
}
