import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { startFactory } from '../../../test/support/stack.ts';
import { parseProductionOrderId } from '../../factory/src/production/production-order.ts';
import { createCustomer, eventually, placeOrder, readOrder } from './support/orders-fixtures.ts';
import { startOrdersWithCustomers } from './support/orders-stack.ts';
import { batchOf, completionOf, deliverWebhook, webhookSecretsEnv } from './support/webhooks.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/** A real HTTP hop that forwards to the factory and holds each answer back, as a slow network would. */
async function startSlowProxy(port: number, target: () => string, holdMs: number): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const answer = await fetch(target(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
        body: Buffer.concat(chunks),
      });
      const text = await answer.text();
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/**
 * At SIM_TIME_SCALE=0 a factory completes a line, and sends its webhook, before
 * its receipt has reached the order service: the webhook is answered 409
 * (retryable) and the factory's retry lands once the receipt is recorded.
 */
describe('a completion that arrives before its receipt is recorded', () => {
  let stack: Stack;
  let factory: Awaited<ReturnType<typeof startFactory>> | undefined;
  let proxy: Server | undefined;
  beforeAll(async () => {
    stack = await startOrdersWithCustomers();
  });
  afterAll(async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    await stack?.close();
    await factory?.close();
  });

  it('is refused with a retryable 409 that changes nothing while no receipt is recorded', async () => {
    const customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
    });
    const order = placed.data!.placeOrder; // no factory listens yet: the line stays PENDING with no receipt
    const early = await deliverWebhook(
      stack.orders.http.url,
      'widgets',
      batchOf('widgets', completionOf(order.number, order.lines[0]!, `widgets:${'a'.repeat(24)}`)),
    );
    expect(early.status).toBe(409);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(await early.json()).toMatchObject({ retryable: true });
    expect(await readOrder(stack.ordersUrl, order.number)).toMatchObject({
      status: 'VERIFIED',
      lines: [{ status: 'PENDING', productionOrder: null, completedAt: null }],
    });
  });

  it('completes the order once the factory retries after the receipt is recorded', async () => {
    factory = await startFactory({
      PORT: '0',
      MONGODB_URL: mongoUrl(),
      FACTORY_DB_PREFIX: `${mongoDatabaseName('factory')}_`,
      ORDERS_WEBHOOK_URL: `${stack.orders.http.url}/webhooks/production`,
      ...webhookSecretsEnv(),
      SIM_TIME_SCALE: '0',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '400',
    });
    const factoryUrl = `${factory.http.url}/graphql`;
    // Held longer than the receiver waits for a receipt (350 ms), so the first attempt is refused.
    proxy = await startSlowProxy(stack.factoryPort, () => factoryUrl, 1500);

    const customerId = await createCustomer(stack.customersUrl);
    const placed = await placeOrder(stack.ordersUrl, {
      customerId,
      lines: [{ product: 'WIDGET', quantity: 1 }],
    });
    const number = placed.data!.placeOrder.number;
    const complete = await eventually(async () => {
      const order = await readOrder(stack.ordersUrl, number);
      return order?.status === 'COMPLETE' ? order : undefined;
    });
    expect(complete.history.map((event) => event.status)).toEqual(['VERIFIED', 'SCHEDULED', 'COMPLETE']);
    const id = complete.lines[0]!.productionOrder!.id;
    // Through the factory's repository: a completion's webhook is what its batch records.
    const productionOrders = factory.factories.get('widgets')!.orders;
    // The first attempt beat the receipt and was refused; a retry was accepted.
    const webhook = await eventually(async () => {
      const doc = await productionOrders.findById(parseProductionOrderId(id)!._id);
      return doc?.webhook?.state === 'DELIVERED' ? doc.webhook : undefined;
    });
    expect(webhook.attempts).toBeGreaterThanOrEqual(2);
  });
});
