import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Remembers recent successful secret checks, so a client's every production
 * request does not pay for scrypt (~0.2 s of CPU here). An entry holds only
 * when the stored hash is unchanged: rotating or re-registering a client
 * invalidates it at once. Failed checks are never remembered.
 */
export class VerifiedSecrets {
  readonly #entries = new Map<string, { storedHash: string; digest: Buffer; expiresAt: number }>();
  readonly #ttlMs: number;

  constructor(ttlMs = 5 * 60_000) {
    this.#ttlMs = ttlMs;
  }

  has(name: string, secret: string, storedHash: string, now = Date.now()): boolean {
    const entry = this.#entries.get(name);
    if (!entry || entry.storedHash !== storedHash || entry.expiresAt < now) return false;
    return timingSafeEqual(entry.digest, digest(secret));
  }

  remember(name: string, secret: string, storedHash: string, now = Date.now()): void {
    this.#entries.set(name, { storedHash, digest: digest(secret), expiresAt: now + this.#ttlMs });
  }
}
