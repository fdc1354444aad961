import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bearer } from '#kit/testing/tokens.ts';
import { createClient } from 'graphql-ws';
import type { OrdersService } from '../src/app.ts';
import {
  collect,
  createCustomer,
  eventually,
  placeOrder,
  subscriptionClient,
} from './support/orders-fixtures.ts';
import { startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Update = {
  orderUpdated: { number: string; status: string; source: string; lines: { product: string }[] };
};

const ALL = 'subscription { orderUpdated { number status source lines { product } } }';

describe('orderUpdated across two order-service processes', () => {
  let stack: Stack;
  let second: OrdersService;
  let customerId: string;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    // A second process on the same database: it shares nothing with the first but PostgreSQL.
    second = await startOrdersProcess(stack.shared);
    customerId = await createCustomer(stack.customersUrl);
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
  });

  it('shows a subscriber on either process the changes made through the other', async () => {
    const onFirst = subscriptionClient(stack.ordersUrl);
    const onSecond = subscriptionClient(`${second.http.url}/graphql`);
    const first = collect<Update>(onFirst, ALL);
    const other = collect<Update>(onSecond, ALL);
    await eventually(() =>
      stack.orders.subscribers(null) > 0 && second.subscribers(null) > 0 ? true : undefined,
    );

    const viaFirst = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'GIZMO', quantity: 1 }],
    });
    const viaSecond = await placeOrder(`${second.http.url}/graphql`, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 2 }],
    });
    const numbers = [viaFirst.data!.placeOrder.number, viaSecond.data!.placeOrder.number];

    for (const seen of [first, other]) {
      await eventually(() => (seen.events.length >= 2 ? true : undefined));
      expect(seen.errors).toEqual([]);
      expect(seen.events.map((event) => event.orderUpdated.number)).toEqual(numbers);
      expect(seen.events.map((event) => event.orderUpdated.status)).toEqual(['VERIFIED', 'VERIFIED']);
      expect(seen.events[0]!.orderUpdated.lines).toEqual([{ product: 'GIZMO' }]);
    }
    first.stop();
    other.stop();
    await Promise.all([onFirst.dispose(), onSecond.dispose()]);
  });

  it.each([
    ['a bad token', async () => ({ authorization: 'Bearer nonsense' })],
    // A user's own valid token stops at the gateway: only the identity it signs opens this socket.
    ['a valid user token', async () => ({ authorization: await bearer('admin') })],
    ['an identity signed with the wrong key', async () => ({ identity: await bearer('admin') })],
  ])('closes a subscriber with %s with 4401', async (_name, params) => {
    const client = createClient({
      url: stack.ordersUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: await params(),
      retryAttempts: 0,
    });
    const closed = await new Promise<number>((resolve) => {
      client.on('closed', (event) => resolve((event as { code: number }).code));
      client.subscribe({ query: ALL }, { next: () => {}, error: () => {}, complete: () => {} });
    });
    expect(closed).toBe(4401);
    await client.dispose();
  });
});
