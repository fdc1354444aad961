/**
 * Exponential backoff with full jitter: a random delay in
 * [base × 2^(attempt−1) / 2, base × 2^(attempt−1)], capped at `maxMs`, so
 * factories retrying after an orders outage don't all hit it at once.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
