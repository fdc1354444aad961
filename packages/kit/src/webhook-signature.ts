import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the manner of the Standard Webhooks spec:
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

const hmac = (secret: string, id: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64');

/** Headers for one delivery; keep `id` the same across retries, re-sign with a fresh timestamp. */
export function signWebhook(secret: string, id: string, body: string, now = new Date()): WebhookHeaders {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${hmac(secret, id, timestamp, body)}`,
  };
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks the signature (any of several space-separated `v1,` entries) against
 * any of `secrets` (the current one and, during a rotation, the previous one)
 * and that the timestamp is within 5 minutes.
 */
export function verifyWebhookSignature(
  secrets: string | readonly string[],
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now = new Date(),
): WebhookVerdict {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
  }
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(now.getTime() / 1000 - seconds) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'webhook-timestamp is missing or more than 5 minutes off' };
  }
  const candidates = signature.split(' ').flatMap((entry) => {
    const [version, value] = entry.split(',', 2);
    return version === 'v1' && value ? [Buffer.from(value)] : [];
  });
  const matches = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const expected = Buffer.from(hmac(secret, id, timestamp, body));
    return candidates.some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    );
  });
  return matches ? { ok: true } : { ok: false, reason: 'webhook-signature does not match' };
}
