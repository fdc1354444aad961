import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer, gatewayIdentity, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { IDENTITY_HEADER, signGatewayIdentity, signServiceToken } from '#kit/service-token.ts';
import { freePort } from '#kit/ferretdb.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

/** Forwards to `target` and remembers the headers of every request (to see what the gateway sends). */
async function recordingProxy(target: string) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer(async (req, res) => {
    seen.push(req.headers);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    const answer = await fetch(target, { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/graphql`, seen, close: () => server.close() };
}

const post = async (url: string, body: unknown, headers: Record<string, string>) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  };
};
const codeOf = (result: Awaited<ReturnType<typeof post>>) => result.body.errors?.[0]?.extensions?.code;

describe('subgraphs trust only the gateway (issue 11, item 3)', () => {
  let stack: Supergraph;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let urls: Record<'customers' | 'orders' | 'factory', string>;
  beforeAll(async () => {
    const [customersPort, ordersPort, factoryPort] = [await freePort(), await freePort(), await freePort()];
    proxy = await recordingProxy(`http://127.0.0.1:${customersPort}/graphql`);
    urls = {
      customers: `http://127.0.0.1:${customersPort}/graphql`,
      orders: `http://127.0.0.1:${ordersPort}/graphql`,
      factory: `http://127.0.0.1:${factoryPort}/graphql`,
    };
    stack = await startSupergraph({
      ports: { customersPort, ordersPort, factoryPort },
      gateway: { CUSTOMERS_URL: proxy.url },
    });
  });
  afterAll(async () => {
    await stack?.close();
    proxy?.close();
  });

  it("sends a subgraph an identity signed for it, never the user's token", async () => {
    const result = await graphql(stack.url, '{ customers(first: 1) { totalCount } }', {}, 'viewer');
    expect(result.errors).toBeUndefined();
    const headers = proxy.seen.at(-1)!;
    expect(headers.authorization).toBeUndefined();
    const { decodeJwt } = await import('jose');
    expect(decodeJwt(String(headers[IDENTITY_HEADER]))).toMatchObject({
      iss: 'factory-floor-gateway',
      aud: 'customers',
      sub: 'test-viewer',
      role: 'viewer',
    });
  });

  it.each(['customers', 'orders', 'factory'] as const)(
    "%s refuses a user's valid admin token, an identity for another subgraph, and no credential",
    async (name) => {
      const query = { query: '{ __typename }' };
      expect(codeOf(await post(urls[name], query, { authorization: await bearer('admin') }))).toBe(
        'UNAUTHENTICATED',
      );
      const other = name === 'orders' ? 'customers' : 'orders';
      const wrongAudience = await signGatewayIdentity(
        TEST_SERVICE_TOKEN_SECRET,
        { sub: 'x', role: 'admin' },
        other,
      );
      const refused = await post(urls[name], query, { [IDENTITY_HEADER]: wrongAudience });
      expect(refused.status).toBe(401);
      expect(codeOf(refused)).toBe('UNAUTHENTICATED');
      expect(codeOf(await post(urls[name], query, {}))).toBe('UNAUTHENTICATED');
      const own = await signGatewayIdentity(TEST_SERVICE_TOKEN_SECRET, { sub: 'x', role: 'viewer' }, name);
      expect((await post(urls[name], query, { [IDENTITY_HEADER]: own })).body.data).toEqual({
        __typename: 'Query',
      });
    },
  );

  it.each(['customers', 'orders', 'factory'] as const)(
    '%s answers `_service { sdl }` only to the gateway',
    async (name) => {
      const health = {
        query: 'query __ApolloServiceHealthCheck__ { _service { sdl } }',
        operationName: '__ApolloServiceHealthCheck__',
      };
      expect(codeOf(await post(urls[name], health, {}))).toBe('UNAUTHENTICATED');
      const own = await signGatewayIdentity(
        TEST_SERVICE_TOKEN_SECRET,
        { sub: 'gateway', role: 'viewer' },
        name,
      );
      const answered = await post(urls[name], health, { [IDENTITY_HEADER]: own });
      expect(JSON.stringify(answered.body.data)).toContain('sdl');
    },
  );

  it('accepts the order service at customers with its service token, and no other service', async () => {
    const query = { query: '{ customers(first: 1) { totalCount } }' };
    const orders = await signServiceToken(TEST_SERVICE_TOKEN_SECRET, 'orders', 'customers');
    expect(
      (await post(urls.customers, query, { authorization: `Bearer ${orders}` })).body.errors,
    ).toBeUndefined();
    const stranger = await signServiceToken(TEST_SERVICE_TOKEN_SECRET, 'factory', 'customers');
    expect(codeOf(await post(urls.customers, query, { authorization: `Bearer ${stranger}` }))).toBe(
      'UNAUTHENTICATED',
    );
    const atOrders = await signServiceToken(TEST_SERVICE_TOKEN_SECRET, 'orders', 'orders');
    expect(codeOf(await post(urls.orders, query, { authorization: `Bearer ${atOrders}` }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuses Factory references without an identity (HTTP Basic of nobody)', async () => {
    const entities = {
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Factory { id queued } } }',
      variables: { r: [{ __typename: 'Factory', id: 'widgets' }] },
    };
    const basic = `Basic ${Buffer.from('nobody:wrongpass').toString('base64')}`;
    const result = await post(urls.factory, entities, { authorization: basic });
    expect(JSON.stringify(result.body)).not.toMatch(/"queued":\d/);
    expect(codeOf(result)).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });

  it('keeps depth and cost limits of its own, over HTTP and the orders WebSocket', async () => {
    const identity = { [IDENTITY_HEADER]: await gatewayIdentity('viewer') };
    const nest = (levels: number, inner: string): string =>
      levels === 0
        ? inner
        : `customer { orders(first: 100) { edges { node { ${nest(levels - 1, inner)} } } } }`;
    const deep = `{ orders { edges { node { ${nest(4, 'number')} } } } }`;
    const refused = await post(urls.orders, { query: deep }, identity);
    expect(['DEPTH_LIMIT_EXCEEDED', 'COST_LIMIT_EXCEEDED']).toContain(codeOf(refused));
    const costly = `query ($n: Int) { orders(first: $n) { edges { node { number status placedAt version lines { id quantity productionOrder { id } } history { at status } customer { id } } } } }`;
    expect(codeOf(await post(urls.orders, { query: costly, variables: { n: 100 } }, identity))).toBe(
      'COST_LIMIT_EXCEEDED',
    );

    const client = createClient({
      url: urls.orders.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: async () => ({ identity: await gatewayIdentity('viewer') }),
      retryAttempts: 0,
    });
    const depth80 = `subscription { orderUpdated { ${nest(20, 'number')} } }`;
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: depth80 }, { next: () => {}, error: resolve, complete: () => resolve(null) });
    });
    expect(JSON.stringify(errors)).toMatch(/DEPTH_LIMIT_EXCEEDED|TOKEN_LIMIT_EXCEEDED/);
    await client.dispose();
  });
});
