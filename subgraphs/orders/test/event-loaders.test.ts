import { describe, expect, it } from 'vitest';
import type { OrderLoaders } from '../src/order/order-loaders.ts';
import { loadersPerTurn } from '../src/subscriptions/event-loaders.ts';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('loadersPerTurn', () => {
  it('gives every subscription resolving in one turn the same loaders, and the next turn fresh ones', async () => {
    let created = 0;
    const loaders = loadersPerTurn(() => ({ created: ++created }) as unknown as OrderLoaders);
    const first = loaders();
    // The subscriptions of one event resolve in this turn's microtasks.
    const inMicrotask = await Promise.resolve().then(() => loaders());
    expect(inMicrotask).toBe(first);
    expect(created).toBe(1);
    await nextTurn();
    const second = loaders();
    expect(second).not.toBe(first);
    expect(created).toBe(2);
  });
});
