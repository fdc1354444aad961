import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createCustomer, placeOrder } from '../../subgraphs/orders/test/support/orders-fixtures.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

const totalOrders = async (url: string) =>
  (await graphql<{ orders: { totalCount: number } }>(url, '{ orders { totalCount } }', {}, 'viewer')).data!
    .orders.totalCount;

describe('Idempotency-Key through the gateway (issue 11, item 4)', () => {
  let stack: Supergraph;
  beforeAll(async () => {
    stack = await startSupergraph({ orders: { RANDOM_ORDERS_EVERY: 'off' } });
  });
  afterAll(async () => stack?.close());

  it('places one order for the same placeOrder sent twice with one key', async () => {
    const customerId = await createCustomer(stack.url, 'Ada Lovelace');
    const input = { customerId, lines: [{ product: 'WIDGET', quantity: 1 }] };
    const before = await totalOrders(stack.url);
    const first = await placeOrder(stack.url, input, { 'idempotency-key': 'gateway-retry-1' });
    const second = await placeOrder(stack.url, input, { 'idempotency-key': 'gateway-retry-1' });
    expect(first.errors).toBeUndefined();
    expect(second.data!.placeOrder.number).toBe(first.data!.placeOrder.number);
    expect(await totalOrders(stack.url)).toBe(before + 1);

    const changed = await placeOrder(
      stack.url,
      { customerId, lines: [{ product: 'GADGET', quantity: 1 }] },
      { 'idempotency-key': 'gateway-retry-1' },
    );
    expect(changed.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.clientRequestId',
    });
    expect(await totalOrders(stack.url)).toBe(before + 1);
  });
});
