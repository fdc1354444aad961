import { describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import { consoleSuite, chromiumPresent, navLink, recordingContext, signInAs } from './console-support.ts';

/**
 * A screen whose subscription hears nothing (an order changed before the subscription was
 * registered upstream, or while its socket reconnected) still comes to show the current state.
 * Every event frame from the gateway to the page is dropped here, so only the screens' own
 * refetching can bring the order in.
 */
describe.skipIf(!chromiumPresent)('the console when subscription events never reach it', () => {
  const suite = consoleSuite({ all: { SIM_TIME_SCALE: '0.01' }, orders: { JOB_POLL_MS: '50' } });

  it('shows an order placed meanwhile on the board, COMPLETE, within a refresh period', async () => {
    const { context } = await recordingContext(suite.browser);
    let dropped = 0;
    await context.routeWebSocket(/\/graphql$/, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        if (typeof message === 'string' && (JSON.parse(message) as { type?: string }).type === 'next') {
          dropped++;
          return;
        }
        socket.send(message);
      });
    });
    const page = await signInAs(context, suite.stack.gateway.http.url, 'viewer');
    await navLink(page, 'Live board').click();
    await page.getByText('No orders yet').waitFor();
    // Past the refetch the board makes just after mounting: only the periodic one can find the order.
    await page.waitForTimeout(2500);

    const customer = await graphql<{ createCustomer: { id: string } }>(
      suite.stack.url,
      'mutation { createCustomer(input: { name: "Unheard", email: "unheard@example.com" }) { id } }',
      {},
      'operator',
    );
    const placed = await graphql<{ placeOrder: { number: string } }>(
      suite.stack.url,
      'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
      { id: customer.data!.createCustomer.id },
      'operator',
    );
    const number = placed.data!.placeOrder.number;
    const status = page.getByTestId(`status-${number}`);
    await expect.poll(() => status.innerText().catch(() => ''), { timeout: 30_000 }).toBe('COMPLETE');
    // The events were sent, and none of them reached the page.
    expect(dropped).toBeGreaterThan(0);
    await context.close();
  }, 90_000);
});
