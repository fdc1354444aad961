import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

const cursor = (text: string) => Buffer.from(text).toString('base64url');
const STATS = 'query ($since: DateTime) { orderStats(since: $since) { since } }';

describe('user mistakes are BAD_USER_INPUT naming the field (issue 11, item 7)', () => {
  let stack: Supergraph;
  beforeAll(async () => {
    stack = await startSupergraph({ all: { NODE_ENV: 'development' } });
  });
  afterAll(async () => stack?.close());

  it.each(['nonsense', '1', '-100000-01-01T00:00:00Z', '2026-13-01T00:00:00Z'])(
    'refuses %j as a DateTime variable through the gateway without naming the subgraph',
    async (since) => {
      const result = await graphql(stack.url, STATS, { since }, 'viewer');
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'since' });
      expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\/graphql/);
    },
  );

  it('refuses the same DateTime mistakes written in the query', async () => {
    for (const since of ['1', '-100000-01-01T00:00:00Z']) {
      const result = await graphql(
        stack.url,
        `{ orderStats(since: ${JSON.stringify(since)}) { since } }`,
        {},
        'viewer',
      );
      expect(result.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
      expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1/);
    }
  });

  it('accepts a proper DateTime', async () => {
    const result = await graphql(stack.url, STATS, { since: '2026-01-01T00:00:00Z' }, 'viewer');
    expect(result.errors).toBeUndefined();
  });

  it('refuses a cursor past any order id as BAD_USER_INPUT naming `after`', async () => {
    const result = await graphql(
      stack.url,
      'query ($after: String) { orders(after: $after) { totalCount } }',
      { after: cursor('order:99999999999999999999') },
      'viewer',
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('refuses a NUL byte in a customer name and stores nothing', async () => {
    const count = async () =>
      (
        await graphql<{ customers: { totalCount: number } }>(
          stack.url,
          '{ customers { totalCount } }',
          {},
          'viewer',
        )
      ).data!.customers.totalCount;
    const before = await count();
    for (const name of ['Ada\u0000Lovelace', 'Ada\u0007']) {
      const result = await graphql(
        stack.url,
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
        { input: { name, email: `nul.${crypto.randomUUID()}@example.com` } },
        'operator',
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    }
    expect(await count()).toBe(before);
  });
});
