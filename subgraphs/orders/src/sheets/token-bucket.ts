import type { Clock } from './clock.ts';

/**
 * Spaces requests to stay within a per-minute quota. The bucket holds at most
 * `burst` tokens and refills at perMinute/60 per second, so any 60-second
 * window sees at most perMinute + burst - 1 requests (burst defaults to 1).
 */
export class TokenBucket {
  readonly perMinute: number;
  readonly #clock: Clock;
  readonly #burst: number;
  readonly #msPerToken: number;
  #tokens: number;
  #updatedAt: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(perMinute: number, clock: Clock, burst = 1) {
    this.perMinute = perMinute;
    this.#clock = clock;
    this.#burst = burst;
    this.#msPerToken = 60_000 / perMinute;
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /** Resolves when a request may be sent; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#takeNow());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #takeNow(): Promise<void> {
    this.#refill();
    if (this.#tokens < 1) {
      await this.#clock.sleep(Math.ceil((1 - this.#tokens) * this.#msPerToken));
      this.#refill();
    }
    this.#tokens -= 1;
  }

  #refill() {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) / this.#msPerToken);
    this.#updatedAt = now;
  }
}
