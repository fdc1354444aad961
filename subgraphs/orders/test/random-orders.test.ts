import { describe, expect, it } from 'vitest';
import { draftLines } from '../src/order/order-draft.ts';
import { parseInterval } from '../src/random-orders/interval.ts';
import { randomLines } from '../src/random-orders/random-order.ts';

describe('random order lines', () => {
  it('are always valid for the catalogue, 1 to 4 of them', () => {
    for (let i = 0; i < 500; i++) {
      const lines = randomLines();
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(4);
      expect(() => draftLines(lines)).not.toThrow();
    }
  });

  it('override attributes some of the time', () => {
    const overridden = Array.from({ length: 50 }, randomLines)
      .flat()
      .filter((line) => Object.keys(line.attributes as object).length > 0);
    expect(overridden.length).toBeGreaterThan(0);
  });
});

describe('parseInterval', () => {
  it.each([
    ['30 seconds', 30_000],
    ['5 minutes', 300_000],
    ['2s', 2000],
    ['500 ms', 500],
    ['1 hour', 3_600_000],
  ])('reads %s', (text, ms) => {
    expect(parseInterval(text, 'every')).toBe(ms);
  });

  it.each(['', 'soon', '10 parsecs', '0 seconds', '30 days'])('refuses %j naming the field', (text) => {
    expect(() => parseInterval(text, 'every')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'every' }),
    );
  });
});
