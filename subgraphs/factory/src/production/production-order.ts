import { ObjectId } from 'mongodb';
import type { AttributeValue, FactoryId, ProductKind } from '#catalogue/products.ts';
import { FACTORY_IDS } from '../factory/factories.ts';

export type ProductionStatus = 'QUEUED' | 'IN_PRODUCTION' | 'COMPLETED';
export type WebhookState = 'PENDING' | 'DELIVERED' | 'FAILED';

/** The completion webhook owed for an order: written in the same update as the completion. */
export interface WebhookDelivery {
  webhookId: string;
  state: WebhookState;
  attempts: number;
  lastError: string | null;
  /** When the latest attempt began (its lease was taken): with nextAttemptAt, shows the backoff. */
  lastAttemptAt?: Date | null;
  /** When the next attempt is due; while an attempt runs, a lease that lets a sweep retry it after a crash. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** A document of a factory's `production_orders` collection. */
export interface ProductionOrderDoc {
  _id: ObjectId;
  factory: FactoryId;
  orderNumber: string;
  lineId: string;
  product: ProductKind;
  quantity: number;
  attributes: Record<string, AttributeValue>;
  status: ProductionStatus;
  productionSeconds: number;
  queuedAt: Date;
  startedAt: Date | null;
  /** Wall-clock time production ends: startedAt + productionSeconds × SIM_TIME_SCALE. */
  dueAt: Date | null;
  completedAt: Date | null;
  productionLine: number | null;
  webhook: WebhookDelivery | null;
  /** W3C traceparent of the order's trace, from the production request; returned in the completion. */
  traceparent?: string | null;
}

/** Public ids carry their factory (`widgets:<ObjectId>`) so a reference finds its database without a lookup. */
export const productionOrderId = (doc: Pick<ProductionOrderDoc, 'factory' | '_id'>) =>
  `${doc.factory}:${doc._id.toHexString()}`;

export function parseProductionOrderId(id: string): { factory: FactoryId; _id: ObjectId } | null {
  const [factory, hex] = id.split(':', 2);
  if (!(FACTORY_IDS as readonly string[]).includes(factory ?? '') || !hex || !ObjectId.isValid(hex))
    return null;
  if (hex.length !== 24) return null;
  return { factory: factory as FactoryId, _id: new ObjectId(hex) };
}

export const webhookIdFor = (doc: Pick<ProductionOrderDoc, '_id'>) => `po_${doc._id.toHexString()}`;
