/**
 * The outbox's contract: messages written in the same transaction as the
 * state change they announce, and the sinks that deliver them.
 */
export const ORDER_STATUS_CHANGED = 'order.status_changed';

export interface OrderStatusChangedPayload {
  orderNumber: string;
  status: 'VERIFIED' | 'SCHEDULED' | 'COMPLETE' | 'REJECTED';
  previousStatus: string | null;
  /** ISO-8601 time of the change. */
  at: string;
  source: 'MANUAL' | 'AUTOMATED';
  customer: { id: string; name: string; email: string };
  lines: { product: 'WIDGET' | 'GADGET' | 'GIZMO'; quantity: number; attributes: Record<string, unknown> }[];
  placedAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  note?: string | null;
  /** W3C traceparent of the order's placement, when it was traced. */
  traceparent?: string;
}

export interface OutboxMessage {
  /** Increasing with commit order per order (a bigint sequence, as a string). */
  id: string;
  topic: typeof ORDER_STATUS_CHANGED;
  /** The order number: messages with the same key are delivered in id order. */
  key: string;
  payload: OrderStatusChangedPayload;
  createdAt: Date;
}

/** Delivers a batch at least once; throws to have the whole batch retried with backoff. */
export interface OutboxSink {
  readonly name: string;
  deliver(messages: readonly OutboxMessage[]): Promise<void>;
  /**
   * Another process has delivered to this sink since this one last did, and
   * may have written part of the coming batch before it died: forget what
   * was assumed about the destination (an idempotent sink checks it again).
   */
  resume?(): void;
}
