import { LRUCache } from 'lru-cache';

/** Long enough that a client's burst verifies once; short enough that a key rotation soon applies. */
const REMEMBER_MS = 60_000;

/**
 * What verified, remembered by its token until the token expires (or a
 * minute, whichever is sooner): verifying is an HMAC or signature check, the
 * largest CPU cost per request in the gateway's and the subgraphs' profiles,
 * and a token's verdict cannot change before its expiry. Refusals are not
 * remembered (cheap to repeat, and they should stay visible in the logs).
 */
export function verifiedCache<T extends { expiresAt: number }>(max = 10_000) {
  const verified = new LRUCache<string, T>({ max });
  return {
    get(key: string): T | undefined {
      const known = verified.get(key);
      return known && known.expiresAt * 1000 > Date.now() ? known : undefined;
    },
    remember(key: string, value: T) {
      const ttl = Math.min(REMEMBER_MS, value.expiresAt * 1000 - Date.now());
      if (ttl > 0) verified.set(key, value, { ttl });
    },
  };
}
