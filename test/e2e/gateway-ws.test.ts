import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { signToken } from '#kit/auth.ts';
import { listen } from '#kit/http.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer, TEST_JWT_SECRET } from '#kit/testing/tokens.ts';
import { startGatewayFor, startSupergraph, type Supergraph } from '../support/stack.ts';
import { closeCodeOf, collect, eventually, wsClient } from '../../gateway/test/ws-client.ts';

describe('the gateway over WebSocket: auth, limits, shutdown', () => {
  let stack: Supergraph;
  let subgraphs: Record<string, string>;
  beforeAll(async () => {
    stack = await startSupergraph({ gateway: { MAX_DEPTH: '4' } });
    subgraphs = {
      CUSTOMERS_URL: `${stack.customers.http.url}/graphql`,
      ORDERS_URL: `${stack.orders.http.url}/graphql`,
      FACTORY_URL: `${stack.factory.http.url}/graphql`,
    };
  });
  afterAll(async () => stack?.close());

  it('closes with 4401 for no token, a bad token and an expired token', async () => {
    const expired = await signToken(
      TEST_JWT_SECRET,
      { sub: 'old', role: 'admin' },
      Math.floor(Date.now() / 1000) - 60,
    );
    for (const params of [{}, { authorization: 'Bearer nonsense' }, { authorization: `Bearer ${expired}` }]) {
      expect((await closeCodeOf(stack.url, params)).code).toBe(4401);
    }
    expect((await closeCodeOf(stack.url, { authorization: await bearer('viewer') })).code).toBe(1000);
  });

  it('closes with 4403 when the role is below WS_MIN_ROLE', async () => {
    const strict = await startGatewayFor({ ...subgraphs, WS_MIN_ROLE: 'operator' });
    try {
      const url = `${strict.http.url}/graphql`;
      expect((await closeCodeOf(url, { authorization: await bearer('viewer') })).code).toBe(4403);
      expect((await closeCodeOf(url, { authorization: await bearer('operator') })).code).toBe(1000);
    } finally {
      await strict.close();
    }
  });

  it('answers a mutation beyond the caller role with FORBIDDEN, and a deep operation with its limit code', async () => {
    const client = wsClient(stack.url, 'viewer');
    const mutation = collect(
      client,
      'mutation { createCustomer(input: { name: "V", email: "v@example.com" }) { id } }',
    );
    const deep = collect(
      client,
      'subscription { orderUpdated { customer { orders { edges { node { number } } } } } }',
    );
    await eventually(() => (mutation.completed && deep.errors.length > 0 ? true : undefined));
    expect((mutation.errors[0] as { extensions: { code: string } }).extensions.code).toBe('FORBIDDEN');
    expect((deep.errors[0] as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'DEPTH_LIMIT_EXCEEDED',
    );
    await client.dispose();
  });

  it('closes open sockets with 1001 on shutdown', async () => {
    const gateway = await startGatewayFor(subgraphs);
    const url = `${gateway.http.url}/graphql`;
    const closed = new Promise<number>((resolve) => {
      const client = wsClient(url, 'viewer');
      client.on('closed', (event) => resolve((event as { code: number }).code));
      collect(client, 'subscription { orderUpdated { number } }');
    });
    await eventually(() => (gateway.subscriptions().clients === 1 ? true : undefined));
    await gateway.close();
    expect(await closed).toBe(1001);
  });

  it('composes the supergraph from the running subgraphs when SUPERGRAPH_SOURCE=introspect', async () => {
    const gateway = await startGatewayFor({ ...subgraphs, SUPERGRAPH_SOURCE: 'introspect' });
    try {
      const result = await graphql(`${gateway.http.url}/graphql`, '{ factories { id } }', {}, 'viewer');
      expect(result.errors).toBeUndefined();
      expect((result.data as { factories: unknown[] }).factories).toHaveLength(3);
    } finally {
      await gateway.close();
    }
  });

  it('verifies RS256 tokens from a JWKS URL over HTTP and WebSocket', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    const jwks = await listen(
      createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      }),
      0,
    );
    const gateway = await startGatewayFor({ ...subgraphs, JWKS_URL: `${jwks.url}/jwks.json` });
    try {
      const url = `${gateway.http.url}/graphql`;
      const rs256 = await new SignJWT({ role: 'viewer' })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setSubject('jwks-user')
        .setAudience('factory-floor')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const ok = await graphql(url, '{ __typename }', {}, null, { authorization: `Bearer ${rs256}` });
      expect(ok).toMatchObject({ data: { __typename: 'Query' } });
      const hs256 = await graphql(url, '{ __typename }', {}, 'viewer');
      expect(hs256.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await closeCodeOf(url, { authorization: `Bearer ${rs256}` })).code).toBe(1000);
      expect((await closeCodeOf(url, { authorization: await bearer('viewer') })).code).toBe(4401);
    } finally {
      await gateway.close();
      await jwks.close();
    }
  });
});
