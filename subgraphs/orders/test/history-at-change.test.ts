import { describe, expect, it } from 'vitest';
import type { OrderSnapshot } from '../src/order/order-snapshot.ts';
import { createHistoryAtChange } from '../src/subscriptions/history-at-change.ts';

const at = (second: number) => `2026-12-06T10:00:${String(second).padStart(2, '0')}.000Z`;

/** The notification of order `id`'s change to `status`, its `version`-th, written at `second`. */
const change = (id: number, status: string, version: number, second: number, event = true) =>
  ({
    id,
    number: `ORD-${id}`,
    status,
    version,
    ...(event ? { event: { at: at(second), note: status === 'REJECTED' ? 'no stock' : null } } : {}),
  }) as unknown as OrderSnapshot;

const statuses = (history: readonly { status: string }[] | undefined) => history?.map((e) => e.status);

describe('history as of each change, from the notifications', () => {
  it('starts with the placement and adds each change to the one before', () => {
    const histories = createHistoryAtChange();
    expect(histories.historyOf(change(1, 'VERIFIED', 1, 0))).toEqual([
      { status: 'VERIFIED', at: new Date(at(0)), note: null },
    ]);
    expect(statuses(histories.historyOf(change(1, 'SCHEDULED', 2, 1)))).toEqual(['VERIFIED', 'SCHEDULED']);
    const complete = histories.historyOf(change(1, 'COMPLETE', 3, 2));
    expect(statuses(complete)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    expect(complete![2]).toEqual({ status: 'COMPLETE', at: new Date(at(2)), note: null });
  });

  it('keeps each order apart, and carries a change’s note', () => {
    const histories = createHistoryAtChange();
    histories.historyOf(change(1, 'VERIFIED', 1, 0));
    histories.historyOf(change(2, 'VERIFIED', 1, 1));
    expect(histories.historyOf(change(2, 'REJECTED', 2, 2))!.at(-1)).toEqual({
      status: 'REJECTED',
      at: new Date(at(2)),
      note: 'no stock',
    });
    expect(statuses(histories.historyOf(change(1, 'SCHEDULED', 2, 3)))).toEqual(['VERIFIED', 'SCHEDULED']);
  });

  it('knows nothing where a change was missed or the order was placed before it listened', () => {
    const histories = createHistoryAtChange();
    expect(histories.historyOf(change(1, 'SCHEDULED', 2, 0))).toBeUndefined(); // placed before
    histories.historyOf(change(2, 'VERIFIED', 1, 0));
    expect(histories.historyOf(change(2, 'COMPLETE', 3, 1))).toBeUndefined(); // version 2 missed
    // and not afterwards either: the chain stays broken for that order
    expect(histories.historyOf(change(2, 'COMPLETE', 4, 2))).toBeUndefined();
  });

  it('forgets an order re-read after an outage (a snapshot without an event)', () => {
    const histories = createHistoryAtChange();
    histories.historyOf(change(1, 'VERIFIED', 1, 0));
    expect(histories.historyOf(change(1, 'SCHEDULED', 2, 1, false))).toBeUndefined();
    expect(histories.historyOf(change(1, 'COMPLETE', 3, 2))).toBeUndefined();
  });

  it('holds at most its bound of orders, forgetting those heard of longest ago', () => {
    const histories = createHistoryAtChange(2);
    for (const id of [1, 2, 3]) histories.historyOf(change(id, 'VERIFIED', 1, id));
    expect(histories.size).toBe(2);
    expect(histories.historyOf(change(1, 'SCHEDULED', 2, 9))).toBeUndefined();
    expect(statuses(histories.historyOf(change(3, 'SCHEDULED', 2, 9)))).toEqual(['VERIFIED', 'SCHEDULED']);
  });
});
