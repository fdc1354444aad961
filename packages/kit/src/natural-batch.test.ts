import { describe, expect, it } from 'vitest';
import { naturalBatch } from './natural-batch.ts';

describe('naturalBatch', () => {
  it("sends a tick's calls together, and the calls made while a batch runs in the next one", async () => {
    const batches: number[][] = [];
    let release = () => {};
    const double = naturalBatch(
      async (inputs: number[]) => {
        batches.push(inputs);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return inputs.map((input) => input * 2);
      },
      { maxBatch: 3 },
    );
    const first = Promise.all([double(1), double(2)]);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Promise.all([double(3), double(4), double(5), double(6)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    release();
    expect(await first).toEqual([2, 4]);
    expect(await later).toEqual([6, 8, 10, 12]);
    expect(batches).toEqual([[1, 2], [3, 4, 5], [6]]);
  });

  it('counts a batch by the sizes of its inputs when told, taking at least one whole input', async () => {
    const batches: number[][][] = [];
    let release = () => {};
    const total = naturalBatch(
      async (inputs: number[][]) => {
        batches.push(inputs);
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return inputs.map((input) => input.length);
      },
      { maxBatch: 4, sizeOf: (input) => input.length },
    );
    const first = total([1]);
    await new Promise((resolve) => setImmediate(resolve));
    const later = Promise.all([total([1, 2, 3, 4, 5, 6]), total([1, 2]), total([1, 2]), total([1])]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await first).toBe(1);
    expect(await later).toEqual([6, 2, 2, 1]);
    // The first call alone is over the size; the next two fill a batch; the last goes alone.
    expect(batches.map((batch) => batch.map((input) => input.length))).toEqual([[1], [6], [2, 2], [1]]);
  });

  it('rejects the calls of a failed batch only', async () => {
    const flaky = naturalBatch(
      async (inputs: string[]) => {
        if (inputs.includes('bad')) throw new Error('refused');
        return inputs;
      },
      { maxBatch: 10 },
    );
    const failed = Promise.allSettled([flaky('bad'), flaky('with it')]);
    const after = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return flaky('good');
    })();
    expect((await failed).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await after).toBe('good');
  });
});
