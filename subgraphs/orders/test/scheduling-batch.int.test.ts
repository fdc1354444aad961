import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import type { startFactory } from '../../../test/support/stack.ts';
import { createCustomer, eventually, placeOrder, readOrder } from './support/orders-fixtures.ts';
import { startFactoryFor, startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/** An HTTP proxy on `port` to the factory on `target`, keeping each GraphQL request's variables. */
async function recordingProxy(port: number, target: number) {
  const calls: { query: string; variables: Record<string, unknown> }[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (incoming.method === 'POST') calls.push(JSON.parse(body.toString()) as (typeof calls)[number]);
      const upstream = request(
        {
          port: target,
          host: '127.0.0.1',
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('scheduling a backlog', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>> | undefined;
  let proxy: Awaited<ReturnType<typeof recordingProxy>> | undefined;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers({ RETRY_BASE_MS: '200', RETRY_MAX_MS: '400' });
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await factory?.close();
  });

  it("sends each factory one call carrying every waiting order's request, and schedules them all", async () => {
    const customerId = await createCustomer(stack.customersUrl);
    const numbers: string[] = [];
    for (let index = 0; index < 12; index++) {
      const placed = await placeOrder(stack.ordersUrl, {
        customerId,
        lines: [
          { product: 'WIDGET', quantity: 1 },
          { product: 'GIZMO', quantity: 1 },
        ],
      });
      numbers.push(placed.data!.placeOrder.number);
    }
    // The factory comes up behind a recording proxy once all twelve wait (each retried at least once).
    const factoryPort = await freePort();
    factory = await startFactoryFor({ factoryPort }, `${stack.orders.http.url}/webhooks/production`);
    // Park the backlog until every pass in flight has written its own retry time (a pass that failed
    // against the absent factory would otherwise make its orders due apart from the rest), then make
    // all twelve due at once behind the proxy.
    const em = stack.orders.orm.em.fork();
    await eventually(async () => {
      await em.execute(`update orders."order" set next_schedule_at = now() + interval '1 hour'`);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // past RETRY_MAX_MS and a pass's call
      const [row] = await em.execute<{ early: number }[]>(
        `select count(*)::int as early from orders."order"
          where status = 'VERIFIED' and next_schedule_at < now() + interval '30 minutes'`,
      );
      return row?.early === 0 ? true : undefined;
    });
    proxy = await recordingProxy(stack.factoryPort, factoryPort);
    await em.execute(`update orders."order" set next_schedule_at = now()`);

    for (const number of numbers) {
      await eventually(async () => {
        const order = await readOrder(stack.ordersUrl, number);
        return order?.status === 'COMPLETE' ? order : undefined;
      }, 30_000);
    }
    const batches = proxy.calls.filter((call) => call.query.includes('submitProductionRequests'));
    expect(proxy.calls.filter((call) => call.query.includes('submitProductionRequest(')).length).toBe(0);
    const perFactory = Map.groupBy(batches, (call) => call.variables.factory as string);
    expect([...perFactory.keys()].sort()).toEqual(['gizmos', 'widgets']);
    for (const calls of perFactory.values()) {
      const sent = calls.flatMap((call) =>
        (call.variables.requests as { orderNumber: string }[]).map((r) => r.orderNumber),
      );
      expect(new Set(sent)).toEqual(new Set(numbers));
      // All twelve were due together: one call (a pass may split them only if another pass claimed first).
      expect(calls.length).toBeLessThanOrEqual(2);
    }
  });
});
