import type { OutboxMessage } from '../outbox/outbox-message.ts';

export const ORDERS_TAB = 'orders';
export const COMPLETED_TAB = 'completed_orders';
export const DASHBOARD_TAB = 'dashboard';
export type RowTab = typeof ORDERS_TAB | typeof COMPLETED_TAB;

export const PRODUCTS = ['WIDGET', 'GADGET', 'GIZMO'] as const;

/** Column A of both tabs is the row id (the outbox message id): the key that makes retries idempotent. */
export const HEADERS: Record<RowTab, string[]> = {
  [ORDERS_TAB]: [
    'row_id',
    'timestamp',
    'order_number',
    'source',
    'customer_name',
    'customer_email',
    'products',
    'status',
  ],
  [COMPLETED_TAB]: [
    'row_id',
    'order_number',
    'customer',
    'placed_at',
    'scheduled_at',
    'completed_at',
    'lead_time_seconds',
    ...PRODUCTS,
  ],
};

/** Columns holding date-times (0-based), formatted as such by the setup command. */
export const DATE_COLUMNS: Record<RowTab, number[]> = { [ORDERS_TAB]: [1], [COMPLETED_TAB]: [3, 4, 5] };

export type Cell = string | number;

const SHEETS_EPOCH_DAYS = 25569; // 1970-01-01 as a Sheets serial date (days since 1899-12-30)

/**
 * Times go in as Sheets serial numbers (UTC) rather than text so charts can
 * use them as a time axis while values stay RAW (no formula injection).
 */
export function toSerialDate(iso: string | null): Cell {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : ms / 86_400_000 + SHEETS_EPOCH_DAYS;
}

export function summariseProducts(lines: OutboxMessage['payload']['lines']): string {
  return lines.map((line) => `${line.product} x${line.quantity}`).join(', ');
}

export function ordersRow(message: OutboxMessage): Cell[] {
  const p = message.payload;
  return [
    message.id,
    toSerialDate(p.at),
    p.orderNumber,
    p.source,
    p.customer.name,
    p.customer.email,
    summariseProducts(p.lines),
    p.status,
  ];
}

export function completedRow(message: OutboxMessage): Cell[] {
  const p = message.payload;
  const completedAt = p.completedAt ?? p.at;
  const leadSeconds = Math.round((Date.parse(completedAt) - Date.parse(p.placedAt)) / 1000);
  const quantity = (product: string) =>
    p.lines.filter((line) => line.product === product).reduce((sum, line) => sum + line.quantity, 0);
  return [
    message.id,
    p.orderNumber,
    p.customer.name,
    toSerialDate(p.placedAt),
    toSerialDate(p.scheduledAt),
    toSerialDate(completedAt),
    Number.isNaN(leadSeconds) ? '' : leadSeconds,
    ...PRODUCTS.map(quantity),
  ];
}

export const isCompletion = (message: OutboxMessage) => message.payload.status === 'COMPLETE';

/** Outbox ids are bigint sequences as text: compare numerically so '10' follows '9'. */
export const byOutboxId = (a: OutboxMessage, b: OutboxMessage) => {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
};
