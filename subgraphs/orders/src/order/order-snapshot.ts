import type { Order } from './order.entity.ts';

/** An order's own columns as JSON: what a NOTIFY carries, so each event shows the state it announces. */
export type OrderSnapshot = Omit<Order, 'placedAt' | 'scheduledAt' | 'completedAt' | 'nextScheduleAt'> & {
  placedAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  nextScheduleAt: string | null;
  /** The history event this change wrote (its status is the snapshot's); absent in a re-read. */
  event?: { at: string; note: string | null };
};

/** The history event a change writes, as the writer knows it. */
export interface ChangeEvent {
  at: Date;
  note: string | null;
}

const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
const date = (text: string | null) => (text ? new Date(text) : null);

export function toSnapshot(order: Order, event?: ChangeEvent): OrderSnapshot {
  return {
    id: Number(order.id),
    number: order.number,
    clientRequestId: order.clientRequestId ?? null,
    customerId: order.customerId,
    customerName: order.customerName,
    customerEmail: order.customerEmail,
    status: order.status,
    source: order.source,
    placedAt: iso(order.placedAt)!,
    scheduledAt: iso(order.scheduledAt),
    completedAt: iso(order.completedAt),
    scheduleAttempts: order.scheduleAttempts,
    nextScheduleAt: iso(order.nextScheduleAt),
    lastScheduleError: order.lastScheduleError ?? null,
    version: order.version,
    ...(event ? { event: { at: event.at.toISOString(), note: event.note } } : {}),
  } as OrderSnapshot;
}

export function fromSnapshot({ event: _event, ...snapshot }: OrderSnapshot): Order {
  return {
    ...snapshot,
    placedAt: new Date(snapshot.placedAt),
    scheduledAt: date(snapshot.scheduledAt),
    completedAt: date(snapshot.completedAt),
    nextScheduleAt: date(snapshot.nextScheduleAt),
  } as Order;
}
