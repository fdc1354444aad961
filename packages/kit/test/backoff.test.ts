import { describe, expect, it } from 'vitest';
import { backoffDelay } from '#kit/backoff.ts';

const policy = { baseMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles from the base per attempt up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 10].map((attempt) =>
      backoffDelay(attempt, { ...policy, jitter: 'none' }),
    );
    expect(ceilings).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('full jitter spreads over [0, ceiling] and never passes the cap', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(20, policy, () => 0.999_999)).toBe(1000);
  });

  it('equal jitter keeps at least half the ceiling, and stays under the cap', () => {
    expect(backoffDelay(3, { ...policy, jitter: 'equal' }, () => 0)).toBe(400);
    expect(backoffDelay(3, { ...policy, jitter: 'equal' }, () => 0.999_999)).toBe(800);
    expect(backoffDelay(20, { ...policy, jitter: 'equal' }, () => 0.999_999)).toBe(1000);
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-1, { ...policy, jitter: 'none' })).toBe(100);
  });
});
