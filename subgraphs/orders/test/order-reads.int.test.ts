import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createCustomer, placeOrder } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { number: string } }[];
};

const ORDERS = `query ($customerId: ID, $status: OrderStatus, $placedAfter: DateTime, $first: Int, $after: String) {
  orders(customerId: $customerId, status: $status, placedAfter: $placedAfter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { number } }
  }
}`;

describe('reading orders', () => {
  let stack: Stack;
  const placed: { number: string; customerId: string }[] = [];
  let ada: string;
  let bob: string;
  let midpoint: string;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    ada = await createCustomer(stack.customersUrl, 'Ada Reads');
    bob = await createCustomer(stack.customersUrl, 'Bob Reads');
    for (const [index, customerId] of [ada, bob, ada, ada, bob].entries()) {
      if (index === 3) midpoint = new Date().toISOString();
      const result = await placeOrder(stack.ordersUrl, {
        customerId,
        lines: [{ product: 'WIDGET', quantity: 1 }],
      });
      placed.push({ number: result.data!.placeOrder.number, customerId });
    }
  });
  afterAll(async () => stack?.close());

  const page = async (variables: Record<string, unknown>) => {
    const result = await graphql<{ orders: Page }>(stack.ordersUrl, ORDERS, variables, 'viewer');
    expect(result.errors).toBeUndefined();
    return result.data!.orders;
  };

  it('pages newest first with Relay cursors until the end', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const current: Page = await page({ first: 2, after });
      expect(current.totalCount).toBe(5);
      seen.push(...current.edges.map((edge) => edge.node.number));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(seen).toEqual(placed.map((order) => order.number).reverse());
  });

  it('filters by customer, status and placement time', async () => {
    const adas = await page({ customerId: ada });
    expect(adas.totalCount).toBe(3);
    expect((await page({ status: 'COMPLETE' })).totalCount).toBe(0);
    expect((await page({ status: 'VERIFIED', customerId: bob })).totalCount).toBe(2);
    const recent = await page({ placedAfter: midpoint });
    expect(recent.edges.map((edge) => edge.node.number)).toEqual([placed[4]!.number, placed[3]!.number]);
  });

  it('refuses a bad cursor, page size or customer id naming the argument', async () => {
    for (const [variables, field] of [
      [{ after: 'nonsense' }, 'after'],
      [{ first: 101 }, 'first'],
      [{ customerId: 'x' }, 'customerId'],
    ] as const) {
      const result = await graphql(stack.ordersUrl, ORDERS, variables, 'viewer');
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('resolves Order and Customer.orders as federated entities in one request', async () => {
    const result = await graphql<{
      _entities: ({ number: string; status: string } | { orders: Page } | null)[];
    }>(
      stack.ordersUrl,
      `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Order {
              number
              status
              customer {
                id
              }
            }
            ... on Customer {
              orders(first: 10) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  cursor
                  node {
                    number
                  }
                }
              }
            }
          }
        }
      `,
      {
        representations: [
          { __typename: 'Order', number: placed[1]!.number },
          { __typename: 'Order', number: 'ORD-999999' },
          { __typename: 'Customer', id: bob },
        ],
      },
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities[0]).toEqual({
      number: placed[1]!.number,
      status: 'VERIFIED',
      customer: { id: bob },
    });
    expect(result.data!._entities[1]).toBeNull();
    expect((result.data!._entities[2] as { orders: Page }).orders.totalCount).toBe(2);
  });

  it('counts orders by status for dashboards', async () => {
    const result = await graphql<{ orderStats: { byStatus: { status: string; count: number }[] } }>(
      stack.ordersUrl,
      '{ orderStats { byStatus { status count } leadTimes { product completedOrders meanSeconds p95Seconds } } }',
      {},
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.orderStats.byStatus).toEqual([
      { status: 'VERIFIED', count: 5 },
      { status: 'SCHEDULED', count: 0 },
      { status: 'COMPLETE', count: 0 },
      { status: 'REJECTED', count: 0 },
    ]);
  });
});
