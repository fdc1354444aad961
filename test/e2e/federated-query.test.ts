import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

describe('the supergraph through the gateway', () => {
  let stack: Supergraph;
  beforeAll(async () => {
    stack = await startSupergraph();
  });
  afterAll(async () => stack?.close());

  it('answers one query from all three subgraphs', async () => {
    const created = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Ada Lovelace', email: 'ada@example.com' } },
      'operator',
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createCustomer.id;

    const result = await graphql<{
      customer: { name: string; orders: { totalCount: number } };
      factories: { id: string; name: string; queued: number }[];
    }>(
      stack.url,
      `
        query ($id: ID!) {
          customer(id: $id) {
            name
            orders {
              totalCount
            }
          }
          factories {
            id
            name
            queued
          }
        }
      `,
      { id },
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.customer).toEqual({ name: 'Ada Lovelace', orders: { totalCount: 0 } });
    expect(result.data!.factories.map((factory) => factory.id).sort()).toEqual([
      'gadgets',
      'gizmos',
      'widgets',
    ]);
  });

  it('names the field of an input error that GraphQL itself catches, through the gateway', async () => {
    const result = await graphql(
      stack.url,
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      { input: { customerId: crypto.randomUUID(), lines: [{ product: 'SPROCKET', quantity: 1 }] } },
      'operator',
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.lines.0.product',
    });
    const orders = await graphql<{ orders: { totalCount: number } }>(stack.url, '{ orders { totalCount } }');
    expect(orders.data?.orders.totalCount).toBe(0);
  });

  it('refuses a caller without a token', async () => {
    const result = await graphql(stack.url, '{ factories { id } }', {}, null);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('serves health and readiness', async () => {
    const base = stack.gateway.http.url;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      subgraphs: { customers: 'ready', orders: 'ready', factory: 'ready' },
    });
  });
});
