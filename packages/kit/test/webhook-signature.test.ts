import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../src/webhook-signature.ts';

const secret = 'whsec-test';
const body = JSON.stringify({ productionOrderId: 'po-1', status: 'COMPLETED' });
const at = new Date('2026-11-25T10:00:00Z');

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "id.timestamp.body" in base64 with a v1 prefix', () => {
    const headers = signWebhook(secret, 'msg_1', body, at);
    const expected = createHmac('sha256', secret)
      .update(`msg_1.${headers['webhook-timestamp']}.${body}`)
      .digest('base64');
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('accepts its own signature and one of several listed', () => {
    const headers = signWebhook(secret, 'msg_1', body, at);
    expect(verifyWebhookSignature(secret, headers, body, at)).toEqual({ ok: true });
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(verifyWebhookSignature(secret, rotated, body, at).ok).toBe(true);
  });

  it('rejects a changed body, another secret, another id and missing headers', () => {
    const headers = signWebhook(secret, 'msg_1', body, at);
    expect(verifyWebhookSignature(secret, headers, `${body} `, at).ok).toBe(false);
    expect(verifyWebhookSignature('other', headers, body, at).ok).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': 'msg_2' }, body, at).ok).toBe(false);
    expect(verifyWebhookSignature(secret, {}, body, at).ok).toBe(false);
  });

  it("accepts any of the receiver's secrets (current and previous, during a rotation) and no other", () => {
    const byPrevious = signWebhook('whsec-previous', 'msg_1', body, at);
    expect(verifyWebhookSignature([secret, 'whsec-previous'], byPrevious, body, at)).toEqual({ ok: true });
    expect(verifyWebhookSignature([secret], byPrevious, body, at).ok).toBe(false);
    const unrelated = signWebhook('whsec-unrelated', 'msg_1', body, at);
    expect(verifyWebhookSignature([secret, 'whsec-previous'], unrelated, body, at).ok).toBe(false);
    expect(verifyWebhookSignature([], signWebhook(secret, 'msg_1', body, at), body, at).ok).toBe(false);
  });

  it('rejects a timestamp more than five minutes off either way', () => {
    const headers = signWebhook(secret, 'msg_1', body, at);
    const later = new Date(at.getTime() + 301_000);
    const earlier = new Date(at.getTime() - 301_000);
    expect(verifyWebhookSignature(secret, headers, body, later)).toMatchObject({ ok: false });
    expect(verifyWebhookSignature(secret, headers, body, earlier)).toMatchObject({ ok: false });
    expect(verifyWebhookSignature(secret, headers, body, new Date(at.getTime() + 299_000)).ok).toBe(true);
  });
});
