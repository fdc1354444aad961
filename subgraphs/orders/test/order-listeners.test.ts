import { describe, expect, it } from 'vitest';
import { createOrderListeners } from '../src/subscriptions/order-listeners.ts';

type Event = { number: string; status: string };
const take = async (iterator: AsyncIterator<Event>, n: number) => {
  const seen: Event[] = [];
  for (let i = 0; i < n; i++) seen.push((await iterator.next()).value as Event);
  return seen;
};

describe('createOrderListeners', () => {
  it('gives a subscriber of one order only its events, in order, and all-order subscribers everything', async () => {
    const listeners = createOrderListeners<Event>();
    const one = listeners.subscribe('O-1');
    const all = listeners.subscribe(null);
    const other = listeners.subscribe('O-2');
    const pending = one.next(); // waiting before the first event
    listeners.publish({ number: 'O-1', status: 'VERIFIED' });
    listeners.publish({ number: 'O-3', status: 'VERIFIED' });
    listeners.publish({ number: 'O-1', status: 'SCHEDULED' });
    expect((await pending).value).toEqual({ number: 'O-1', status: 'VERIFIED' });
    expect(await take(one, 1)).toEqual([{ number: 'O-1', status: 'SCHEDULED' }]);
    expect((await take(all, 3)).map((event) => `${event.number} ${event.status}`)).toEqual([
      'O-1 VERIFIED',
      'O-3 VERIFIED',
      'O-1 SCHEDULED',
    ]);
    listeners.publish({ number: 'O-2', status: 'COMPLETE' });
    expect(await take(other, 1)).toEqual([{ number: 'O-2', status: 'COMPLETE' }]);
  });

  it('forgets a subscriber that returns, ending a pending next() at once', async () => {
    const listeners = createOrderListeners<Event>();
    const one = listeners.subscribe('O-1');
    const second = listeners.subscribe('O-1');
    expect(listeners.count('O-1')).toBe(2);
    const pending = one.next();
    await one.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(listeners.count('O-1')).toBe(1);
    await second.return!();
    expect(listeners.count('O-1')).toBe(0);
    listeners.publish({ number: 'O-1', status: 'VERIFIED' });
    expect(await one.next()).toEqual({ done: true, value: undefined });
  });

  it('ends every subscriber on endAll', async () => {
    const listeners = createOrderListeners<Event>();
    const all = listeners.subscribe(null);
    const pending = all.next();
    listeners.endAll();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(listeners.count(null)).toBe(0);
  });
});
