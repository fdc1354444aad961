import type { TokenVerifier, VerifiedIdentity } from '#kit/auth.ts';
import { verifiedCache } from '#kit/verified-cache.ts';

/** The gateway's token check, each token that verified remembered (kit's verifiedCache). */
export function rememberVerifiedTokens(verify: TokenVerifier, max = 10_000): TokenVerifier {
  const verified = verifiedCache<VerifiedIdentity>(max);
  return async (authorization) => {
    const known = authorization ? verified.get(authorization) : undefined;
    if (known) return known;
    const identity = await verify(authorization);
    if (authorization) verified.remember(authorization, identity);
    return identity;
  };
}
