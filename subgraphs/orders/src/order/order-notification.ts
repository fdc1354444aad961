import type { OrderSnapshot } from './order-snapshot.ts';

/** The channel of every order's status changes (LISTEN in subscriptions/order-notifications.ts). */
export const ORDER_UPDATED_CHANNEL = 'orders_order_updated';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7900;

/**
 * The NOTIFY payloads for a batch of changes: each a JSON array of order
 * snapshots (`[OrderSnapshot, ...]`, in the order the changes happened; one
 * order may appear twice, e.g. SCHEDULED then COMPLETE), as many snapshots
 * per payload as fit. One NOTIFY per batch instead of one per order: each
 * notifying commit takes a database-wide lock.
 */
export function notificationPayloads(snapshots: readonly OrderSnapshot[]): string[] {
  const payloads: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const snapshot of snapshots) {
    const json = JSON.stringify(snapshot);
    const size = Buffer.byteLength(json) + 1;
    if (current.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(json);
    bytes += size;
  }
  if (current.length > 0) payloads.push(`[${current.join(',')}]`);
  return payloads;
}

/** The snapshots one NOTIFY carries: an array of them, or (before batching) a single one. */
export function parseNotification(payload: string): OrderSnapshot[] {
  const parsed = JSON.parse(payload) as OrderSnapshot | OrderSnapshot[];
  return Array.isArray(parsed) ? parsed : [parsed];
}
