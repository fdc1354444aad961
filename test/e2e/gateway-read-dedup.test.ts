import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer } from '#kit/testing/tokens.ts';
import { subgraphProxy } from '../support/subgraph-proxy.ts';
import { startGatewayFor, startSupergraph, type Supergraph } from '../support/stack.ts';

const PAGE = '{ orders(first: 5) { edges { node { number customer { name } } } } }';
type Page = { orders: { edges: { node: { number: string; customer: { name: string } } }[] } };

/** How many requests reach customers when `callers` ask for the same page at once through `gateway`. */
async function burst(
  gatewayUrl: string,
  proxy: { requests(): number },
  callers: string[],
): Promise<{ requests: number; pages: Page[] }> {
  const before = proxy.requests();
  const results = await Promise.all(
    callers.map((authorization) => graphql<Page>(gatewayUrl, PAGE, {}, null, { authorization })),
  );
  for (const result of results) expect(result.errors).toBeUndefined();
  return { requests: proxy.requests() - before, pages: results.map((result) => result.data!) };
}

describe('identical reads in flight at once', () => {
  let stack: Supergraph;
  let proxy: Awaited<ReturnType<typeof subgraphProxy>>;
  const gateways: Awaited<ReturnType<typeof startGatewayFor>>[] = [];
  const gatewayUrl = async (deduplicate: boolean) => {
    const gateway = await startGatewayFor({
      CUSTOMERS_URL: `${proxy.url}/graphql`,
      ORDERS_URL: `${stack.orders.http.url}/graphql`,
      FACTORY_URL: `${stack.factory.http.url}/graphql`,
      DEDUPLICATE_READS: String(deduplicate),
    });
    gateways.push(gateway);
    return `${gateway.http.url}/graphql`;
  };
  beforeAll(async () => {
    stack = await startSupergraph({ all: { SIM_TIME_SCALE: '0' } });
    proxy = await subgraphProxy(stack.customers.http);
    const created = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation { createCustomer(input: { name: "Mary Jackson", email: "mary@example.com" }) { id } }',
      {},
      'operator',
    );
    await graphql(
      stack.url,
      'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
      { id: created.data!.createCustomer.id },
      'operator',
    );
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await proxy?.close();
    await stack?.close();
  });

  it('share one subgraph fetch for one caller, and each gets the whole answer', async () => {
    const url = await gatewayUrl(true);
    const token = await bearer('viewer', 'dorothy');
    const { requests, pages } = await burst(url, proxy, Array(20).fill(token));
    expect(requests).toBeGreaterThanOrEqual(1);
    expect(requests).toBeLessThan(10);
    for (const page of pages) expect(page.orders.edges[0]!.node.customer.name).toBe('Mary Jackson');
  });

  it('are never shared between two callers', async () => {
    const url = await gatewayUrl(true);
    const [ada, bob] = [await bearer('viewer', 'ada'), await bearer('viewer', 'bob')];
    const alone = await burst(url, proxy, [ada]);
    const both = await burst(url, proxy, [ada, bob]);
    expect(alone.requests).toBe(1);
    expect(both.requests).toBe(2);
  });

  it('each go to the subgraph when deduplication is off', async () => {
    const url = await gatewayUrl(false);
    const token = await bearer('viewer', 'dorothy');
    const { requests } = await burst(url, proxy, Array(20).fill(token));
    expect(requests).toBe(20);
  });

  it('never include mutations', async () => {
    const url = await gatewayUrl(true);
    const token = await bearer('operator', 'katherine');
    const create = (email: string) =>
      graphql<{ createCustomer: { id: string } }>(
        url,
        'mutation ($email: String!) { createCustomer(input: { name: "Twin", email: $email }) { id } }',
        { email },
        null,
        { authorization: token },
      );
    const before = proxy.requests();
    const [first, second] = await Promise.all([create('twin@example.com'), create('twin@example.com')]);
    expect(proxy.requests() - before).toBe(2);
    // The same mutation twice is two attempts: one wins, the other is told the email is taken.
    expect([first.errors?.[0]?.extensions?.code, second.errors?.[0]?.extensions?.code].sort()).toEqual([
      'CONFLICT',
      undefined,
    ]);
  });
});
