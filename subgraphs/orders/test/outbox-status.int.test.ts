import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_HEADER } from '#kit/service-token.ts';
import { bearer, gatewayIdentity } from '#kit/testing/tokens.ts';
import type { OutboxSink } from '../src/outbox/outbox-message.ts';
import { createCustomer, eventually, placeOrder } from './support/orders-fixtures.ts';
import { startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';

interface SinkStatus {
  sink: string;
  backlog: number;
  oldestPendingAt: string | null;
}

/** A sink that is down: every delivery fails, so its messages pile up. */
const downSink: OutboxSink = {
  name: 'down',
  deliver: async () => {
    throw new Error('the sheet is unreachable');
  },
};

describe('GET /outbox', () => {
  let stack: Awaited<ReturnType<typeof startOrdersWithCustomers>>;
  let orders: Awaited<ReturnType<typeof startOrdersProcess>>;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
    // A second orders process on the same database, with one more sink that never delivers.
    orders = await startOrdersProcess(stack.shared, { sinks: [downSink] });
  });
  afterAll(async () => {
    await orders?.close();
    await stack?.close();
  });

  it("shows each sink's backlog, so an operator sees which one falls behind", async () => {
    const customerId = await createCustomer(stack.customersUrl);
    await placeOrder(stack.ordersUrl, { customerId, lines: [{ product: 'WIDGET', quantity: 1 }] });
    await placeOrder(stack.ordersUrl, { customerId, lines: [{ product: 'GIZMO', quantity: 2 }] });

    const sinks = await eventually(async () => {
      const response = await fetch(`${orders.http.url}/outbox`, {
        headers: { [IDENTITY_HEADER]: await gatewayIdentity('operator') },
      });
      const body = (await response.json()) as { sinks: SinkStatus[] };
      const log = body.sinks.find((sink) => sink.sink === 'log');
      return log?.backlog === 0 ? body.sinks : undefined;
    });
    const down = sinks.find((sink) => sink.sink === 'down')!;
    expect(down.backlog).toBe(2);
    expect(Date.parse(down.oldestPendingAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(sinks.find((sink) => sink.sink === 'log')).toMatchObject({ backlog: 0, oldestPendingAt: null });
  });

  it('is shown only to an operator or an admin: 401 without a valid token, 403 for a viewer', async () => {
    const status = async (identity?: string) =>
      (await fetch(`${orders.http.url}/outbox`, { headers: identity ? { [IDENTITY_HEADER]: identity } : {} }))
        .status;
    const anonymous = await fetch(`${orders.http.url}/outbox`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      'Bearer realm="orders", header="x-gateway-identity"',
    );
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await status('Bearer not-a-token')).toBe(401);
    expect(await status(await gatewayIdentity('viewer'))).toBe(403);
    expect(await status(await gatewayIdentity('admin'))).toBe(200);
    // A user's own token is for the gateway only.
    const userToken = await fetch(`${orders.http.url}/outbox`, {
      headers: { authorization: await bearer('admin') },
    });
    expect(userToken.status).toBe(401);
  });
});
