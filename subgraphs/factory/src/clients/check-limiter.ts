import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Spends and gives back a caller's allowance of logins. */
export interface CheckBudget {
  take(): Promise<void>;
  refund(): Promise<void>;
}

/** Too many uncached secret checks from this address or for this client: try again in `retryAfterS`. */
export class TooManyChecksError extends Error {
  readonly retryAfterS: number;

  constructor(retryAfterS: number) {
    super(`Too many failed API client logins; retry in ${retryAfterS} s`);
    this.retryAfterS = retryAfterS;
  }
}

export interface CheckLimits {
  /** Failed logins allowed per caller address per minute (each at most one scrypt per factory). */
  perAddress: number;
  /** ...and per client name, whoever asks. */
  perClient: number;
}

export const DEFAULT_CHECK_LIMITS: CheckLimits = { perAddress: 10, perClient: 20 };

/**
 * Bounds the scrypt work failed logins can cause: a login with a secret not
 * accepted lately takes a point from its address and from its client before
 * it is looked up (so concurrent guesses are counted too), and a successful
 * one gives them back. Only failures use up the allowance.
 */
export class CheckLimiter {
  readonly #perAddress: RateLimiterMemory;
  readonly #perClient: RateLimiterMemory;

  constructor(limits: CheckLimits = DEFAULT_CHECK_LIMITS) {
    this.#perAddress = new RateLimiterMemory({
      keyPrefix: 'address',
      points: limits.perAddress,
      duration: 60,
    });
    this.#perClient = new RateLimiterMemory({ keyPrefix: 'client', points: limits.perClient, duration: 60 });
  }

  budgetFor(name: string, address: string): CheckBudget {
    return {
      take: async () => {
        try {
          await this.#perAddress.consume(address);
          await this.#perClient.consume(name);
        } catch (error) {
          if (!(error instanceof RateLimiterRes)) throw error;
          throw new TooManyChecksError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
        }
      },
      refund: async () => {
        await Promise.all([this.#perAddress.reward(address), this.#perClient.reward(name)]);
      },
    };
  }
}
