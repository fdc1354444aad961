import type { FactoryId } from '#catalogue/products.ts';
import type { Completion } from '#clients/completion-webhook.ts';
import { signWebhook } from '#kit/webhook-signature.ts';

/** Each factory's webhook secret in tests (orders and factory processes both get these). */
export const TEST_WEBHOOK_SECRETS: Record<FactoryId, string> = {
  widgets: 'orders-test-widgets-webhook-secret',
  gadgets: 'orders-test-gadgets-webhook-secret',
  gizmos: 'orders-test-gizmos-webhook-secret',
};

export const webhookSecretsEnv = (secrets = TEST_WEBHOOK_SECRETS) => ({
  WEBHOOK_SECRET_WIDGETS: secrets.widgets,
  WEBHOOK_SECRET_GADGETS: secrets.gadgets,
  WEBHOOK_SECRET_GIZMOS: secrets.gizmos,
});

/** A completion of `line`, naming the production order its factory confirmed (or `productionOrderId`). */
export const completionOf = (
  orderNumber: string,
  line: { id: string; quantity: number; productionOrder: { id: string } | null },
  productionOrderId = line.productionOrder?.id ?? 'never-confirmed',
): Completion => {
  const now = new Date().toISOString();
  return {
    productionOrderId,
    orderNumber,
    lineId: line.id,
    status: 'COMPLETED',
    quantity: line.quantity,
    attributes: {},
    queuedAt: now,
    startedAt: now,
    completedAt: now,
  };
};

/** The body a factory sends: its name and a batch of completions. */
export const batchOf = (factory: FactoryId, ...completions: Completion[]) => ({ factory, completions });

/**
 * POSTs a webhook to `/webhooks/production/<factory>` signed as that factory
 * signs it (or with `secret`); `id` stays the same across redeliveries.
 */
export async function deliverWebhook(
  baseUrl: string,
  factory: string,
  body: unknown,
  options: { id?: string; secret?: string; now?: Date; raw?: string } = {},
) {
  const text = options.raw ?? JSON.stringify(body);
  const secret = options.secret ?? TEST_WEBHOOK_SECRETS[factory as FactoryId] ?? 'no-such-factory-secret';
  const headers = signWebhook(secret, options.id ?? 'msg_1', text, options.now);
  return fetch(`${baseUrl}/webhooks/production/${factory}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
}
