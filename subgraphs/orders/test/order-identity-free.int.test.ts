/**
 * Keeps schema/orders.graphql's @identityFree true: the gateway resolves a subscription event once
 * for every user of a role on its word. Every declared field is asked here as two users of each
 * role (as entities, and as orderUpdated events over the socket), and both must get the same answer.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { parse } from 'graphql';
import WebSocket from 'ws';
import type { Role } from '#kit/auth.ts';
import { asTwoUsersOf, identityFreeFields, selectedFields } from '#kit/testing/identity-free.ts';
import { gatewayIdentity } from '#kit/testing/tokens.ts';
import { collect, createCustomer, eventually, placeOrder } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';

const sdl = parse(readFileSync(new URL('../../../schema/orders.graphql', import.meta.url), 'utf8'));
const ORDER = `number customer { id } status source placedAt scheduledAt completedAt
  history { status at note } version`;
const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { ${ORDER} } } }`;
const WATCH = `subscription ($number: String) { orderUpdated(number: $number) { ${ORDER} } }`;

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;
type Update = { orderUpdated: { number: string; status: string } };

describe('orders: fields declared @identityFree', () => {
  let stack: Stack;
  let customerId: string;
  let number: string;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    customerId = await createCustomer(stack.customersUrl);
    number = (await placeOrder(stack.ordersUrl, { customerId, lines: [{ product: 'WIDGET', quantity: 1 }] }))
      .data!.placeOrder.number;
  });
  afterAll(async () => stack?.close());

  it('probes every declared field', () => {
    expect(identityFreeFields(sdl).length).toBeGreaterThan(0);
    expect(selectedFields(sdl, [ENTITIES, WATCH])).toEqual(expect.arrayContaining(identityFreeFields(sdl)));
  });

  it.each(['viewer', 'operator', 'admin'] as const)(
    'answers two %s users the same, as entities',
    async (role) => {
      const representations = [number, 'ORD-999999'].map((n) => ({ __typename: 'Order', number: n }));
      const [first, second] = await asTwoUsersOf(role, stack.ordersUrl, ENTITIES, { representations });
      expect(first.errors).toBeUndefined();
      expect(first.data).toMatchObject({ _entities: [{ number, customer: { id: customerId } }, null] });
      expect(second).toEqual(first);
    },
  );

  it.each(['viewer', 'admin'] as const)(
    'sends two %s users the same orderUpdated events',
    async (role: Role) => {
      const clients = ['first', 'second'].map((sub) =>
        createClient({
          url: stack.ordersUrl.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: async () => ({ identity: await gatewayIdentity(role, `${sub}-${role}`) }),
          retryAttempts: 0,
        }),
      );
      const seen = clients.map((client) => collect<Update>(client, WATCH));
      await eventually(() => (stack.orders.subscribers(null) === 2 ? true : undefined));
      const placed = await placeOrder(stack.ordersUrl, {
        customerId,
        lines: [{ product: 'GADGET', quantity: 1 }],
      });
      const mine = (events: Update[]) =>
        events.filter((event) => event.orderUpdated.number === placed.data!.placeOrder.number);
      await eventually(() => (seen.every((s) => mine(s.events).length > 0) ? true : undefined));
      expect(seen.map((s) => s.errors)).toEqual([[], []]);
      expect(mine(seen[1]!.events)[0]).toEqual(mine(seen[0]!.events)[0]);
      for (const s of seen) s.stop();
      await Promise.all(clients.map((client) => client.dispose()));
      await eventually(() => (stack.orders.subscribers(null) === 0 ? true : undefined));
    },
  );
});
