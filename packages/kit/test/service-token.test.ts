import { afterEach, describe, expect, it, vi } from 'vitest';
import { signToken } from '../src/auth.ts';
import { createSubgraphVerifier, signGatewayIdentity, signServiceToken } from '../src/service-token.ts';

const OLD = 'the-retiring-service-token-secret-0123456789';
const NEW = 'the-current-service-token-secret-0123456789';
const viewer = { sub: 'ada', role: 'viewer' } as const;

describe('what a subgraph accepts', () => {
  it('takes the identity the gateway signed for it, with its session end', async () => {
    const verifier = createSubgraphVerifier({ secret: NEW, audience: 'orders' });
    const caller = await verifier.identity(await signGatewayIdentity(NEW, viewer, 'orders', 1_900_000_000));
    expect(caller).toMatchObject({ sub: 'ada', role: 'viewer', sessionExpiresAt: 1_900_000_000 });
    expect(caller.expiresAt - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
  });

  it("refuses another subgraph's identity, a service token as an identity, and a user's token", async () => {
    const verifier = createSubgraphVerifier({ secret: NEW, audience: 'orders', services: ['orders'] });
    await expect(verifier.identity(await signGatewayIdentity(NEW, viewer, 'customers'))).rejects.toThrow(
      /invalid/,
    );
    await expect(verifier.identity(await signServiceToken(NEW, 'orders', 'orders'))).rejects.toThrow(
      /invalid/,
    );
    await expect(
      verifier.request({ authorization: `Bearer ${await signToken(NEW, viewer)}` }),
    ).rejects.toThrow(/invalid/);
    await expect(verifier.request({})).rejects.toThrow(/answers only the gateway/);
  });

  it('accepts only the services it names', async () => {
    const customers = createSubgraphVerifier({ secret: NEW, audience: 'customers', services: ['orders'] });
    const orders = await customers.service(`Bearer ${await signServiceToken(NEW, 'orders', 'customers')}`);
    expect(orders).toMatchObject({ sub: 'service:orders', role: 'viewer' });
    await expect(
      customers.service(`Bearer ${await signServiceToken(NEW, 'factory', 'customers')}`),
    ).rejects.toThrow(/may not call customers/);
  });

  it('accepts the previous key during a rotation, and only then', async () => {
    const signedWithOld = await signGatewayIdentity(OLD, viewer, 'orders');
    const rotating = createSubgraphVerifier({ secret: NEW, previousSecret: OLD, audience: 'orders' });
    expect((await rotating.identity(signedWithOld)).sub).toBe('ada');
    expect((await rotating.identity(await signGatewayIdentity(NEW, viewer, 'orders'))).sub).toBe('ada');
    const rotated = createSubgraphVerifier({ secret: NEW, audience: 'orders' });
    await expect(rotated.identity(signedWithOld)).rejects.toThrow(/invalid/);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('checks a token once, but accepts it no longer than it lives, nor for another use', async () => {
    const verifier = createSubgraphVerifier({ secret: NEW, audience: 'customers', services: ['orders'] });
    const token = await signServiceToken(NEW, 'orders', 'customers');
    expect((await verifier.service(`Bearer ${token}`)).sub).toBe('service:orders');
    expect((await verifier.service(`Bearer ${token}`)).sub).toBe('service:orders');
    await expect(verifier.identity(token)).rejects.toThrow(/invalid/); // a service token is no identity
    vi.useFakeTimers({ now: Date.now() + 301_000 }); // past its 300 s
    await expect(verifier.service(`Bearer ${token}`)).rejects.toThrow(/expired/);
  });
});
