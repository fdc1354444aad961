import { inLinkedSpans } from '#kit/telemetry/trace-context.ts';
import {
  completionWebhookSchema,
  describeWebhookIssue,
  type Completion,
  type CompletionWebhook,
} from '#clients/completion-webhook.ts';
import { signWebhook } from '#kit/webhook-signature.ts';
import type { FactoryId } from '../factory/factories.ts';
import { productionOrderId, type ProductionOrderDoc } from '../production/production-order.ts';

export interface WebhookSettings {
  /** `${ORDERS_WEBHOOK_URL}/${factory}` */
  url: string;
  factory: FactoryId;
  /** This factory's own secret: the receiver knows which factory signed. */
  secret: string;
  timeoutMs: number;
}

/** One completed production order as the order service receives it (docs/api.md, "The completion webhook"). */
export function completionOf(doc: ProductionOrderDoc): Completion {
  return {
    productionOrderId: productionOrderId(doc),
    orderNumber: doc.orderNumber,
    lineId: doc.lineId,
    status: 'COMPLETED' as const,
    quantity: doc.quantity,
    attributes: doc.attributes,
    queuedAt: doc.queuedAt.toISOString(),
    startedAt: doc.startedAt?.toISOString() ?? null,
    // Never sent without a completion time: the contract check below refuses ''.
    completedAt: doc.completedAt?.toISOString() ?? '',
    ...(doc.traceparent ? { traceparent: doc.traceparent } : {}),
  };
}

/** The webhook body, checked against the contract the receiver applies, so a bad one is never sent. */
export function completionPayload(factory: FactoryId, docs: ProductionOrderDoc[]): CompletionWebhook {
  const parsed = completionWebhookSchema.safeParse({ factory, completions: docs.map(completionOf) });
  if (!parsed.success)
    throw new Error(`completion webhook breaks its contract: ${describeWebhookIssue(parsed.error)}`);
  return parsed.data;
}

export type SendResult =
  | { ok: true; status: number }
  | {
      ok: false;
      error: string;
      /** The receiver refused what it was sent (a 4xx): retrying the same batch as it is cannot help. */
      refused?: boolean;
      /** ...unless it said so (409 with `retryable`: a receipt it has not recorded yet). */
      retryable?: boolean;
    };

/** One signed POST of a batch; any answer but 2xx, a timeout or a refused connection is a failure. */
export async function sendWebhook(
  settings: WebhookSettings,
  webhookId: string,
  docs: ProductionOrderDoc[],
): Promise<SendResult> {
  let body: string;
  try {
    body = JSON.stringify(completionPayload(settings.factory, docs));
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return inLinkedSpans(
    'factory.completion_webhook',
    'order.completion_webhook',
    docs.map((doc) => doc.traceparent),
    () => post(settings, webhookId, body),
    { 'factory.id': settings.factory, 'webhook.id': webhookId, 'webhook.completions': docs.length },
  );
}

async function post(settings: WebhookSettings, webhookId: string, body: string): Promise<SendResult> {
  try {
    const response = await fetch(settings.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook(settings.secret, webhookId, body) },
      body,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    const answer = response.ok ? null : await response.json().catch(() => null);
    await response.body?.cancel().catch(() => {});
    if (response.ok) return { ok: true, status: response.status };
    const refused = response.status >= 400 && response.status < 500 && ![408, 429].includes(response.status);
    const retryable = (answer as { retryable?: unknown } | null)?.retryable === true;
    return { ok: false, error: `HTTP ${response.status}`, refused, retryable };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (error as Error).name ?? 'network error' };
  }
}
