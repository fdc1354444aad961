import { signWebhook } from '#kit/webhook-signature.ts';
import { productionOrderId, type ProductionOrderDoc } from '../production/production-order.ts';

export interface WebhookSettings {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** The completion message the order service receives (docs/api.md, "The completion webhook"). */
export function completionPayload(doc: ProductionOrderDoc) {
  return {
    productionOrderId: productionOrderId(doc),
    factory: doc.factory,
    orderNumber: doc.orderNumber,
    lineId: doc.lineId,
    status: 'COMPLETED' as const,
    quantity: doc.quantity,
    attributes: doc.attributes,
    queuedAt: doc.queuedAt.toISOString(),
    startedAt: doc.startedAt?.toISOString() ?? null,
    completedAt: doc.completedAt?.toISOString() ?? null,
  };
}

export type SendResult = { ok: true; status: number } | { ok: false; error: string };

/** One signed POST; any answer but 2xx, a timeout or a refused connection is a failure to retry. */
export async function sendWebhook(
  settings: WebhookSettings,
  webhookId: string,
  doc: ProductionOrderDoc,
): Promise<SendResult> {
  const body = JSON.stringify(completionPayload(doc));
  try {
    const response = await fetch(settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(settings.secret, webhookId, body) },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    return response.ok
      ? { ok: true, status: response.status }
      : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (error as Error).name ?? 'network error' };
  }
}
