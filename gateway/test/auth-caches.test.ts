import { describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { createTokenVerifier, signToken } from '#kit/auth.ts';
import { rememberVerifiedTokens } from '../src/auth/verified-tokens.ts';
import { createIdentitySigner } from '../src/auth/subgraph-identity.ts';

const SECRET = 'a-test-secret-of-enough-length-123456';
const settings = { JWT_SECRET: SECRET, MAX_TOKEN_LIFETIME: 86_400 };

describe('rememberVerifiedTokens', () => {
  it('verifies a token once, and still refuses a bad one every time', async () => {
    let calls = 0;
    const real = createTokenVerifier(settings);
    const verify = rememberVerifiedTokens(async (authorization) => {
      calls++;
      return real(authorization);
    });
    const header = `Bearer ${await signToken(SECRET, { sub: 'ada', role: 'operator' })}`;
    const first = await verify(header);
    const second = await verify(header);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ sub: 'ada', role: 'operator' });
    expect(calls).toBe(1);
    await expect(verify('Bearer not-a-token')).rejects.toThrow(/invalid/);
    await expect(verify('Bearer not-a-token')).rejects.toThrow(/invalid/);
    expect(calls).toBe(3);
  });

  it('does not keep a token past its expiry', async () => {
    const verify = rememberVerifiedTokens(createTokenVerifier(settings));
    const header = `Bearer ${await signToken(SECRET, { sub: 'ada', role: 'viewer' }, '1s')}`;
    await verify(header);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(verify(header)).rejects.toThrow(/expired/);
  });
});

describe('createIdentitySigner', () => {
  const identity = { sub: 'ada', role: 'operator' as const, expiresAt: Math.floor(Date.now() / 1000) + 600 };

  it('reuses one signature per caller and subgraph, never across them', async () => {
    const sign = createIdentitySigner(SECRET);
    const orders = await sign(identity, 'orders');
    expect(await sign(identity, 'orders')).toBe(orders);
    const factory = await sign(identity, 'factory');
    const other = await sign({ ...identity, sub: 'bob' }, 'orders');
    const admin = await sign({ ...identity, role: 'admin' }, 'orders');
    expect(new Set([orders, factory, other, admin]).size).toBe(4);
    const key = new TextEncoder().encode(SECRET);
    const { payload } = await jwtVerify(factory, key, { audience: 'factory' });
    expect(payload).toMatchObject({ sub: 'ada', role: 'operator' });
    const { payload: bob } = await jwtVerify(other, key, { audience: 'orders' });
    expect(bob.sub).toBe('bob');
  });

  it('keeps a session identity apart, with the session end in it', async () => {
    const sign = createIdentitySigner(SECRET);
    const plain = await sign(identity, 'orders');
    const session = await sign(identity, 'orders', { session: true });
    expect(session).not.toBe(plain);
    const { payload } = await jwtVerify(session, new TextEncoder().encode(SECRET), { audience: 'orders' });
    expect(payload.session_exp).toBe(identity.expiresAt);
  });
});
