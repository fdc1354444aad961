import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

const digestOf = (secret: string) => createHash('sha256').update(secret).digest('base64');

/**
 * Remembers recent outcomes of secret checks, and runs at most one check at
 * a time per (client, stored hash, secret), so neither a client's every
 * request nor a caller repeating a wrong secret pays for scrypt (~0.1 s of
 * CPU and 32 MiB) again. An outcome holds only while the stored hash is
 * unchanged: rotating or re-registering a client invalidates it at once.
 */
export class SecretChecks {
  readonly #outcomes: LRUCache<string, boolean>;
  readonly #running = new Map<string, Promise<boolean>>();
  /** (client, secret) pairs accepted lately, whatever the stored hash: exempt from a rate limit's early refusal. */
  readonly #accepted: LRUCache<string, true>;
  readonly #okTtlMs: number;
  readonly #failedTtlMs: number;

  constructor({ okTtlMs = 5 * 60_000, failedTtlMs = 60_000, max = 10_000 } = {}) {
    this.#okTtlMs = okTtlMs;
    this.#failedTtlMs = failedTtlMs;
    // Bounded, so callers trying many secrets cannot grow it without limit.
    this.#outcomes = new LRUCache({ max, ttl: okTtlMs });
    this.#accepted = new LRUCache({ max: 1000, ttl: okTtlMs });
  }

  /** Whether this secret of `name` passed a check lately (a hint only: authentication still checks). */
  acceptedLately(name: string, secret: string): boolean {
    return this.#accepted.has(`${name}\0${digestOf(secret)}`);
  }

  /** The remembered outcome, or the one check `run` makes (shared by concurrent callers). */
  check(name: string, secret: string, storedHash: string, run: () => Promise<boolean>): Promise<boolean> {
    const key = `${name}\0${storedHash}\0${digestOf(secret)}`;
    const known = this.#outcomes.get(key);
    if (known !== undefined) return Promise.resolve(known);
    const running = this.#running.get(key);
    if (running) return running;
    const outcome = run()
      .then((ok) => {
        this.#outcomes.set(key, ok, { ttl: ok ? this.#okTtlMs : this.#failedTtlMs });
        if (ok) this.#accepted.set(`${name}\0${digestOf(secret)}`, true);
        return ok;
      })
      .finally(() => this.#running.delete(key));
    this.#running.set(key, outcome);
    return outcome;
  }
}
