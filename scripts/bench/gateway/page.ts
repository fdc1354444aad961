/**
 * The gateway benchmarks' query (issue 16: a page of orders with each order's customer and each
 * line's production order and factory), the data it reads, and the subgraph fetches it makes.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { freePort } from '#kit/ferretdb.ts';
import { post, type Target } from './load.ts';

export const PAGE = `query Page { orders(first: 5) { edges { node { number status
  customer { name email }
  lines { id product quantity productionOrder { status startedAt factory { id name } } } } } } }`;
export const ORDERS_ONLY =
  'query OrdersOnly { orders(first: 5) { edges { node { number status placedAt } } } }';

export const bodyOf = (query: string, variables: Record<string, unknown> = {}) =>
  JSON.stringify({ query, variables });

/** A customer and eight 3-line orders through `gateway`, waited for until the page shows them scheduled. */
export async function seedPage(gateway: Omit<Target, 'body'>) {
  const via = (query: string, variables?: Record<string, unknown>) =>
    post({ ...gateway, body: bodyOf(query, variables) });
  const created = (await via(
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name: 'Bench Customer', email: `bench.${Date.now()}@example.com` } },
  )) as { data: { createCustomer: { id: string } } };
  for (let i = 0; i < 8; i++) {
    await via('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }', {
      input: {
        customerId: created.data.createCustomer.id,
        lines: [
          { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
          { product: 'GADGET', quantity: 1 },
          { product: 'GIZMO', quantity: 1 },
        ],
      },
    });
  }
  for (let waited = 0; ; waited += 250) {
    const page = (await via(PAGE)) as { data?: { orders: { edges: { node: { status: string } }[] } } };
    const statuses = page.data?.orders.edges.map(({ node }) => node.status) ?? [];
    if (statuses.length === 5 && statuses.every((status) => status !== 'VERIFIED')) return;
    if (waited > 30_000) throw new Error(`orders were not scheduled: ${JSON.stringify(page)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Proxies in front of the subgraphs that keep each POST's body: which fetches a query makes. */
export async function recordFetches<T extends Record<string, string>>(urls: T) {
  const seen: { subgraph: keyof T & string; body: string }[] = [];
  const proxies = await Promise.all(
    Object.entries(urls).map(async ([subgraph, url]) => {
      const port = await freePort();
      const server = createServer(async (req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString();
        if (req.method === 'POST') seen.push({ subgraph, body });
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name]) => !['host', 'content-length', 'connection'].includes(name),
          ),
        ) as Record<string, string>;
        const upstream = await fetch(new URL(req.url ?? '/', url), {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'POST' ? { body } : {}),
        });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return { subgraph, server, url: `http://127.0.0.1:${port}/graphql` };
    }),
  );
  return {
    seen,
    urls: Object.fromEntries(proxies.map(({ subgraph, url }) => [subgraph, url])) as T,
    close: () => proxies.forEach(({ server }) => server.close()),
  };
}
