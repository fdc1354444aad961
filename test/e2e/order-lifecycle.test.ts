import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import {
  collect,
  createCustomer,
  eventually,
  placeOrder,
  subscriptionClient,
} from '../../subgraphs/orders/test/support/orders-fixtures.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

type Update = {
  orderUpdated: {
    number: string;
    status: string;
    completedAt: string | null;
    customer: { name: string };
    lines: {
      product: string;
      productionOrder: { id: string; status: string; factory: { id: string } } | null;
    }[];
    history: { status: string; at: string }[];
  };
};

const SUBSCRIPTION = `subscription ($n: String) {
  orderUpdated(number: $n) {
    number status completedAt
    customer { name }
    lines { product productionOrder { id status factory { id } } }
    history { status at }
  }
}`;

describe('an order from placement to COMPLETE through the gateway', () => {
  let stack: Supergraph;
  beforeAll(async () => {
    stack = await startSupergraph({
      all: { SIM_TIME_SCALE: '0.01' },
      orders: { JOB_POLL_MS: '50', RANDOM_ORDERS_EVERY: 'off' },
    });
  });
  afterAll(async () => stack?.close());

  it('is seen by a subscriber going VERIFIED → SCHEDULED → COMPLETE, every line produced', async () => {
    const customerId = await createCustomer(stack.url, 'Grace Hopper');
    const client = subscriptionClient(stack.url);
    const all = collect<Update>(client, SUBSCRIPTION, {});
    // Live once the orders subgraph counts it (through the gateway's upstream subscription).
    await eventually(() => (stack.orders.subscribers(null) > 0 ? true : undefined));

    const placed = await placeOrder(stack.url, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
        { product: 'GIZMO', quantity: 1, attributes: { material: 'brass' } },
      ],
    });
    expect(placed.errors).toBeUndefined();
    const number = placed.data!.placeOrder.number;
    expect(placed.data!.placeOrder.status).toBe('VERIFIED');

    const events = await eventually(() => {
      const mine = all.events.filter((event) => event.orderUpdated.number === number);
      return mine.some((event) => event.orderUpdated.status === 'COMPLETE') ? mine : undefined;
    }, 25_000);
    expect(all.errors).toEqual([]);
    expect(events.map((event) => event.orderUpdated.status)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);

    const complete = events.at(-1)!.orderUpdated;
    expect(complete.completedAt).not.toBeNull();
    expect(complete.customer.name).toBe('Grace Hopper');
    expect(
      complete.lines.map((line) => [
        line.product,
        line.productionOrder?.status,
        line.productionOrder?.factory.id,
      ]),
    ).toEqual([
      ['WIDGET', 'COMPLETED', 'widgets'],
      ['GIZMO', 'COMPLETED', 'gizmos'],
    ]);
    expect(complete.history.map((event) => event.status)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    const times = complete.history.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Each event shows the history as of its own change, the same entries every later one shows.
    events.forEach((event, i) =>
      expect(event.orderUpdated.history).toEqual(complete.history.slice(0, i + 1)),
    );
    all.stop();
    await client.dispose();
  });

  it('answers the same order to queries through the gateway, with the customer and stats', async () => {
    const result = await graphql<{
      orders: { totalCount: number; edges: { node: { status: string; customer: { name: string } } }[] };
      orderStats: {
        byStatus: { status: string; count: number }[];
        leadTimes: { product: string; completedOrders: number }[];
      };
    }>(
      stack.url,
      `
        {
          orders(status: COMPLETE, first: 5) {
            totalCount
            edges {
              node {
                status
                customer {
                  name
                }
              }
            }
          }
          orderStats {
            byStatus {
              status
              count
            }
            leadTimes {
              product
              completedOrders
            }
          }
        }
      `,
      {},
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.orders.totalCount).toBe(1);
    expect(result.data!.orders.edges[0]!.node.customer.name).toBe('Grace Hopper');
    expect(result.data!.orderStats.byStatus).toContainEqual({ status: 'COMPLETE', count: 1 });
    expect(result.data!.orderStats.leadTimes).toContainEqual({ product: 'GIZMO', completedOrders: 1 });
  });
});
