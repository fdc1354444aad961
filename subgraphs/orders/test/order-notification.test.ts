import { describe, expect, it } from 'vitest';
import { notificationPayloads, parseNotification } from '../src/order/order-notification.ts';
import type { OrderSnapshot } from '../src/order/order-snapshot.ts';

const snapshot = (id: number, status = 'SCHEDULED'): OrderSnapshot =>
  ({
    id,
    number: `ORD-${String(id).padStart(6, '0')}`,
    clientRequestId: null,
    customerId: '6f1c2a8e-3d4b-4c5d-8e9f-0a1b2c3d4e5f',
    customerName: 'Ada Lovelace',
    customerEmail: 'ada@example.com',
    status,
    source: 'MANUAL',
    placedAt: '2026-12-02T10:00:00.000Z',
    scheduledAt: '2026-12-02T10:00:01.000Z',
    completedAt: null,
    scheduleAttempts: 0,
    nextScheduleAt: null,
    lastScheduleError: null,
    traceparent: null,
    version: 2,
  }) as OrderSnapshot;

describe('the batched order notification', () => {
  it('splits a batch into payloads PostgreSQL accepts (under 8000 bytes), keeping every snapshot in order', () => {
    const batch = Array.from({ length: 500 }, (_, index) =>
      snapshot(index + 1, index % 2 ? 'COMPLETE' : 'SCHEDULED'),
    );
    const payloads = notificationPayloads(batch);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(payloads.flatMap(parseNotification)).toEqual(batch);
  });

  it('keeps two changes of one order as two snapshots, the earlier first', () => {
    const [payload, ...rest] = notificationPayloads([snapshot(7, 'SCHEDULED'), snapshot(7, 'COMPLETE')]);
    expect(rest).toEqual([]);
    expect(parseNotification(payload!).map((order) => order.status)).toEqual(['SCHEDULED', 'COMPLETE']);
  });

  it('still reads a single snapshot, as sent before batching', () => {
    expect(parseNotification(JSON.stringify(snapshot(3)))).toEqual([snapshot(3)]);
  });
});
