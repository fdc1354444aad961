import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer } from '#kit/testing/tokens.ts';
import { GRAPHIQL_DIST } from '../../gateway/src/graphiql/route.ts';
import {
  CHROMIUM,
  chromiumPresent as present,
  launchChromium,
  outsideLocalhost,
} from '../support/browser.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

if (!present)
  console.warn(`Skipping the GraphiQL browser test: ${CHROMIUM} is absent (apt-get install -y chromium).`);

// Monaco renders spaces as no-break spaces.
const responseText = async (page: Page) =>
  (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ' ');
/** Switches tab, waits until Monaco shows that tab's operation, and runs it. */
const openTab = async (page: Page, index: number, expected: string) => {
  await page.locator('.graphiql-tab-button').nth(index).click();
  await expect
    .poll(
      () =>
        page
          .locator('.graphiql-query-editor .view-lines')
          .innerText()
          .catch(() => ''),
      { timeout: 30_000 },
    )
    .toContain(expected);
  await page.locator('.graphiql-execute-button').click();
};

describe.skipIf(!present)('GraphiQL at /graphiql in headless Chromium', () => {
  let stack: Supergraph;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(GRAPHIQL_DIST)) {
      await build({ configFile: new URL('../../gateway/graphiql/vite.config.ts', import.meta.url).pathname });
    }
    // The gateway's warnings (a failed subgraph fetch, with request id and subgraph) show in a failed run.
    stack = await startSupergraph({
      all: { SIM_TIME_SCALE: '0.01' },
      orders: { JOB_POLL_MS: '50' },
      gateway: { LOG_LEVEL: 'warn' },
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('runs a mutation, receives subscription events, and never leaves localhost', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('websocket', (socket) => requested.push(socket.url()));
    const token = (await bearer('operator')).replace('Bearer ', '');
    await page.goto(`${stack.gateway.http.url}/graphiql/?token=${token}`);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });

    // Tab 2: CreateCustomer with its example variables.
    await openTab(page, 1, 'createCustomer');
    await expect.poll(() => responseText(page), { timeout: 15_000 }).toContain('Ada Lovelace');

    // Tab 4: WatchOrder on ORD-000001 (the first order of this fresh database), then place that order.
    await openTab(page, 3, 'orderUpdated');
    const customer = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation { createCustomer(input: { name: "Browser Buyer", email: "buyer@example.com" }) { id } }',
      {},
      'operator',
    );
    // The subscription has reached the orders subgraph.
    await expect.poll(() => stack.orders.subscribers('ORD-000001'), { timeout: 20_000 }).toBeGreaterThan(0);
    const placed = await graphql<{ placeOrder: { number: string } }>(
      stack.url,
      'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
      { id: customer.data!.createCustomer.id },
      'operator',
    );
    expect(placed.data?.placeOrder.number).toBe('ORD-000001');
    await expect
      .poll(() => responseText(page), { timeout: 20_000 })
      .toContain('COMPLETE')
      .catch(async (error: unknown) => {
        // What GraphiQL shows instead, for whoever reads a failed run.
        console.error(`GraphiQL response pane: ${await responseText(page)}`);
        throw error;
      });
    expect(await responseText(page)).toContain('Browser Buyer');

    expect(requested.length).toBeGreaterThan(3);
    expect(outsideLocalhost(requested)).toEqual([]);
    expect(requested.some((url) => url.startsWith('ws://127.0.0.1'))).toBe(true);
  }, 120_000);
});
