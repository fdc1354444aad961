import { signWebhook } from '#kit/webhook-signature.ts';

export const TEST_WEBHOOK_SECRET = 'orders-test-webhook-secret';

export interface Completion {
  productionOrderId: string;
  factory: string;
  orderNumber: string;
  lineId: string;
  status: 'COMPLETED';
  quantity: number;
  attributes: Record<string, unknown>;
  queuedAt: string;
  startedAt: string;
  completedAt: string;
}

export const completionOf = (
  orderNumber: string,
  line: { id: string; factory: string; quantity: number },
): Completion => {
  const now = new Date().toISOString();
  return {
    productionOrderId: `${line.factory}:${crypto.randomUUID()}`,
    factory: line.factory,
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

/** POSTs a completion signed as the factory signs it; `id` stays the same across redeliveries. */
export async function deliverWebhook(
  baseUrl: string,
  body: unknown,
  options: { id?: string; secret?: string; now?: Date; raw?: string } = {},
) {
  const text = options.raw ?? JSON.stringify(body);
  const headers = signWebhook(
    options.secret ?? TEST_WEBHOOK_SECRET,
    options.id ?? 'msg_1',
    text,
    options.now,
  );
  return fetch(`${baseUrl}/webhooks/production`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
}
