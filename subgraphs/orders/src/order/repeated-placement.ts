import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '#kit/errors.ts';
import type { DraftLine } from './order-draft.ts';
import { OrderLineSchema } from './order-line.entity.ts';
import type { Order } from './order.entity.ts';

/** Attributes compared whatever the key order (jsonb does not keep it). */
const canonical = (value: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));

const signature = (lines: readonly Pick<DraftLine, 'product' | 'quantity' | 'attributes'>[]) =>
  lines.map((line) => `${line.product}|${line.quantity}|${canonical(line.attributes)}`).join('\n');

/**
 * A retried placement (same clientRequestId or Idempotency-Key) answers with
 * the first order only when it asks for the same thing; the same key with a
 * different customer or lines is a client bug, refused as CONFLICT.
 */
export async function firstOrderFor(
  em: EntityManager,
  existing: Order,
  customerId: string,
  lines: readonly DraftLine[],
): Promise<Order> {
  const stored = await em.find(OrderLineSchema, { orderId: existing.id }, { orderBy: { position: 'asc' } });
  if (existing.customerId !== customerId || signature(stored) !== signature(lines)) {
    throw new ConflictError(
      `input.clientRequestId: this key already placed order ${existing.number} with a different customer or lines`,
      { field: 'input.clientRequestId', number: existing.number },
    );
  }
  return existing;
}
