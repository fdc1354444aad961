import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { signGatewayIdentity } from '#kit/service-token.ts';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { startOrdersWithCustomers } from '../../subgraphs/orders/test/support/orders-stack.ts';
import { openRawSocket } from '../support/raw-socket.ts';
import { startGatewayFor } from '../support/stack.ts';

/** A user's token issued now and living `seconds`. */
const tokenLiving = async (seconds: number) =>
  `Bearer ${await new SignJWT({ role: 'viewer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('long-lived')
    .setAudience('factory-floor')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET))}`;

const ask = async (url: string, authorization: string, origin?: string) => {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...(origin ? { origin } : {}) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code, headers: response.headers };
};

// A gateway alone answers `{ __typename }` and serves GraphiQL: no subgraph is needed for these rules.
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: TEST_JWT_SECRET,
  SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
};

describe('token rules and smaller exposures (issue 11, item 8)', () => {
  const gateways: { close(): Promise<void> }[] = [];
  const gateway = async (env: Record<string, string>) => {
    const started = await startGatewayFor(env);
    gateways.push(started);
    return started.http.url;
  };
  afterAll(async () => {
    for (const started of gateways) await started.close();
  });

  it('refuses a token living longer than MAX_TOKEN_LIFETIME (24 h unless set), over HTTP and WebSocket', async () => {
    const url = await gateway({});
    expect((await ask(url, await tokenLiving(23 * 3600))).code).toBeUndefined();
    const century = await tokenLiving(100 * 365 * 86400);
    expect(await ask(url, century)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const socket = await openRawSocket(`${url}/graphql`, { authorization: century });
    expect(socket.acknowledged).toBe(false);
    expect((await socket.socket.closed).code).toBe(4401);

    const strict = await gateway({ MAX_TOKEN_LIFETIME: '3600' });
    expect((await ask(strict, await tokenLiving(7200))).code).toBe('UNAUTHENTICATED');
    expect((await ask(strict, await tokenLiving(1800))).code).toBeUndefined();
  });

  it('serves no GraphiQL in production unless asked, and never takes ?token= from its URL there', async () => {
    const production = await gateway(PRODUCTION);
    expect((await fetch(`${production}/graphiql/`)).status).toBe(404);
    const asked = await gateway({ ...PRODUCTION, GRAPHIQL: 'true' });
    const withToken = await fetch(`${asked}/graphiql/?token=abc`);
    expect(withToken.status).toBe(400);
    expect(await withToken.text()).toMatch(/not taken from the URL/);
    expect((await fetch(`${asked}/graphiql/`)).status).not.toBe(400);
  });

  it('allows cross-origin calls only from CORS_ORIGINS', async () => {
    const viewer = await tokenLiving(600);
    const closed = await gateway({});
    expect(
      (await ask(closed, viewer, 'https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const open = await gateway({ CORS_ORIGINS: 'https://console.example, https://ops.example' });
    expect(
      (await ask(open, viewer, 'https://console.example')).headers.get('access-control-allow-origin'),
    ).toBe('https://console.example');
    expect(
      (await ask(open, viewer, 'https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('keeps submitProductionRequest out of the public API', async () => {
    const url = await gateway({});
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await tokenLiving(600) },
      body: JSON.stringify({
        query:
          'mutation { submitProductionRequest(factory: "widgets", input: { orderNumber: "X", lines: [] }) { orderNumber } }',
      }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/submitProductionRequest/);
  });
});

describe('the orders WebSocket and token expiry (issue 11, item 8)', () => {
  let stack: Awaited<ReturnType<typeof startOrdersWithCustomers>>;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
  });
  afterAll(async () => stack?.close());

  it('closes with 4401 an expired identity, and an open socket when the session behind it ends', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ending = await signGatewayIdentity(
      TEST_SERVICE_TOKEN_SECRET,
      { sub: 'u', role: 'viewer' },
      'orders',
      now + 3,
    );
    const opened = await openRawSocket(stack.ordersUrl, { identity: ending });
    expect(opened.acknowledged).toBe(true);
    const started = Date.now();
    const closed = await opened.socket.closed;
    expect(closed.code).toBe(4401);
    expect(Date.now() - started).toBeGreaterThan(1000);

    const expired = new SignJWT({ role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('factory-floor-gateway')
      .setAudience('orders')
      .setSubject('u')
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60);
    const late = await openRawSocket(stack.ordersUrl, {
      identity: await expired.sign(new TextEncoder().encode(TEST_SERVICE_TOKEN_SECRET)),
    });
    expect(late.acknowledged).toBe(false);
    expect((await late.socket.closed).code).toBe(4401);
  });
});
