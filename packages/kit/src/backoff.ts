/**
 * The one backoff rule of the project: a delay that doubles per attempt from `baseMs`, capped at
 * `maxMs`, then jittered *under* the cap, so many retries spread out and none waits past `maxMs`.
 *
 * - `full` (the default): uniform in [0, ceiling], AWS's "full jitter", best at spreading a crowd;
 * - `equal`: uniform in [ceiling / 2, ceiling], when a retry should not come back at once;
 * - `none`: the ceiling itself.
 *
 * `attempt` counts from 0 (the first retry waits about `baseMs`).
 */
export type Jitter = 'full' | 'equal' | 'none';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter?: Jitter;
}

export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  switch (policy.jitter ?? 'full') {
    case 'none':
      return Math.round(ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'full':
      return Math.round(random() * ceiling);
  }
}
