import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '#kit/auth.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer, TEST_JWT_SECRET } from '#kit/testing/tokens.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

const LIMITS = {
  MAX_DEPTH: '6',
  MAX_ALIASES: '2',
  MAX_DIRECTIVES: '2',
  MAX_TOKENS: '150',
  MAX_COST: '20',
  MAX_ROOT_FIELDS: '3',
  MAX_BODY_SIZE: '2kb',
  INTROSPECTION: 'false',
  FIELD_SUGGESTIONS: 'false',
};

type Body = {
  data?: unknown;
  errors: { message: string; extensions?: Record<string, unknown> }[];
  extensions: Record<string, unknown>;
};

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await bearer('viewer'), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
};
const codeOf = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('the gateway over HTTP', () => {
  let stack: Supergraph;
  beforeAll(async () => {
    stack = await startSupergraph({ gateway: LIMITS });
  });
  afterAll(async () => stack?.close());

  it('answers a query spanning customers, orders and factory', async () => {
    const created = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Grace Hopper', email: 'grace@example.com' } },
      'operator',
    );
    expect(created.errors).toBeUndefined();
    const result = await graphql(
      stack.url,
      'query ($id: ID!) { customer(id: $id) { name orders { totalCount } } factories { id productionLines } }',
      { id: created.data!.createCustomer.id },
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ customer: { name: 'Grace Hopper', orders: { totalCount: 0 } } });
    expect((result.data as { factories: unknown[] }).factories).toHaveLength(3);
  });

  it('refuses no token, a bad token and an expired token with UNAUTHENTICATED and 401', async () => {
    const expired = await signToken(
      TEST_JWT_SECRET,
      { sub: 'old', role: 'admin' },
      Math.floor(Date.now() / 1000) - 60,
    );
    const forged = await signToken('another-secret-of-sufficient-length', { sub: 'x', role: 'admin' });
    for (const authorization of ['', 'Bearer nonsense', `Bearer ${forged}`, `Bearer ${expired}`]) {
      const { status, body } = await post(stack.url, { query: '{ factories { id } }' }, { authorization });
      expect(status).toBe(401);
      expect(codeOf(body)).toBe('UNAUTHENTICATED');
    }
  });

  it('passes the wrong role through to the subgraph, which answers FORBIDDEN', async () => {
    const result = await graphql(
      stack.url,
      'mutation { createCustomer(input: { name: "Viewer", email: "v@example.com" }) { id } }',
      {},
      'viewer',
    );
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it.each([
    [
      'DEPTH_LIMIT_EXCEEDED',
      '{ customers { edges { node { orders { edges { node { lines { id } } } } } } } }',
    ],
    ['ALIAS_LIMIT_EXCEEDED', '{ a: factories { id } b: factories { id } c: factories { id } }'],
    [
      'DIRECTIVE_LIMIT_EXCEEDED',
      '{ factories @include(if: true) @skip(if: false) { id @include(if: true) } }',
    ],
    [
      'ROOT_FIELD_LIMIT_EXCEEDED',
      '{ factories { id } products { sku } randomOrders { enabled } customers { totalCount } }',
    ],
    [
      'COST_LIMIT_EXCEEDED',
      '{ factories { id name productionLines queued inProduction completed product { sku name kind baseSeconds baseComplexity } } }',
    ],
    ['TOKEN_LIMIT_EXCEEDED', `{ factories { ${'id '.repeat(200)} } }`],
  ])('refuses an operation over a limit with %s', async (code, query) => {
    const { status, body } = await post(stack.url, { query });
    expect(status).toBe(400);
    expect(codeOf(body)).toBe(code);
  });

  it('refuses a body over the size limit with PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await post(stack.url, {
      query: '{ factories { id } }',
      variables: { pad: 'x'.repeat(4000) },
    });
    expect(status).toBe(413);
    expect(codeOf(body)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses introspection and hides field suggestions when switched off', async () => {
    const introspection = await post(stack.url, { query: '{ __schema { types { name } } }' });
    expect(introspection.body.errors[0]!.message).toMatch(/introspection/i);
    const typo = await post(stack.url, { query: '{ factoriez { id } }' });
    expect(typo.body.errors[0]!.message).not.toMatch(/Did you mean/);
  });

  it('refuses a CSRF-style simple request (GET, no preflight header)', async () => {
    const response = await fetch(`${stack.url}?query=${encodeURIComponent('{ factories { id } }')}`, {
      headers: { authorization: await bearer('viewer') },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
    const form = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: await bearer('viewer') },
      body: JSON.stringify({ query: '{ factories { id } }' }),
    });
    expect(form.status).toBe(400);
  });

  it('echoes the request id in the header and in extensions, and makes one up when absent', async () => {
    const given = await post(stack.url, { query: '{ factories { id } }' }, { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    expect(given.body.extensions).toEqual({ requestId: 'trace-123' });
    const fresh = await post(stack.url, { query: '{ factories { id } }' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.body.extensions.requestId).toBe(fresh.headers.get('x-request-id'));
  });

  it('is ready once the supergraph is loaded and every subgraph answers', async () => {
    const ready = await fetch(`${stack.gateway.http.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ supergraph: 'loaded' });
  });
});
