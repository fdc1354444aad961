import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { signToken } from '#kit/auth.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer } from '#kit/testing/tokens.ts';
import {
  checkScreen,
  chromiumPresent,
  CHROMIUM,
  consoleSuite,
  navLink,
  outsideLocalhost,
  recordingContext,
  signInAs,
} from './console-support.ts';

if (!chromiumPresent) console.warn(`Skipping the console browser test: ${CHROMIUM} is absent.`);

describe.skipIf(!chromiumPresent)('the web console at / in headless Chromium', () => {
  const suite = consoleSuite({
    all: { SIM_TIME_SCALE: '0.01' },
    orders: { JOB_POLL_MS: '50' },
    gateway: { LOG_LEVEL: 'warn' },
  });
  let context: BrowserContext;
  let requested: string[];
  let page: Page;
  let orderNumber: string;

  beforeAll(async () => {
    ({ context, requested } = await recordingContext(suite.browser));
  });

  it('signs in with one click in development, by keyboard alone', async () => {
    page = await context.newPage();
    await page.goto(`${suite.stack.gateway.http.url}/`);
    const operator = page.getByRole('button', { name: 'Sign in as operator' });
    await operator.waitFor();
    await checkScreen(page, '01-sign-in');
    // Tab from the top of the page until the operator button has focus, then press Enter.
    for (
      let presses = 0;
      presses < 10 && !(await operator.evaluate((el) => el === document.activeElement));
      presses++
    ) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('role').textContent()).toBe('operator');
    await page.getByRole('heading', { name: 'Live board' }).waitFor();
  }, 60_000);

  it('signs in with a pasted token, and back out when the gateway refuses one', async () => {
    const pasted = await context.newPage();
    await pasted.goto(`${suite.stack.gateway.http.url}/`);
    // Well formed, but signed with another key: the page accepts it, the gateway does not.
    const forged = await signToken('not-the-gateway-secret-0123456789', { sub: 'mallory', role: 'admin' });
    await pasted.getByLabel('Bearer token').fill(forged);
    await pasted.getByRole('button', { name: 'Sign in', exact: true }).click();
    await pasted.getByRole('alert').filter({ hasText: 'The gateway refused your token' }).waitFor();
    await pasted.getByLabel('Bearer token').fill((await bearer('viewer')).replace('Bearer ', ''));
    await pasted.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => pasted.getByTestId('role').textContent()).toBe('viewer');
    await pasted.getByRole('heading', { name: 'Live board' }).waitFor();
    await pasted.close();
  }, 60_000);

  it('creates a customer, showing the server’s error next to the field first', async () => {
    await navLink(page, 'Customers').click();
    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Grace Hopper');
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    // The gateway's BAD_USER_INPUT names input.email; the form shows it under Email.
    await expect.poll(() => dialog.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await checkScreen(page, '02-customer-form-error');
    await dialog.getByLabel('Email').fill('grace@example.com');
    await dialog.getByLabel('City').fill('Arlington');
    await dialog.getByLabel('Address line 1').fill('1 Navy Yard');
    await dialog.getByLabel('Postal code').fill('22202');
    await dialog.getByLabel('Country (ISO code)').fill('US');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await checkScreen(page, '03-customers');
  }, 60_000);

  it('places an order with custom attributes for that customer, once despite a double click', async () => {
    await navLink(page, 'New order').click();
    // No customer chosen: the server's error lands on the drop-down, and nothing is stored.
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Customer' }).getAttribute('aria-invalid'))
      .toBe('true');
    const none = await graphql<{ orders: { totalCount: number } }>(
      suite.stack.url,
      '{ orders { totalCount } }',
      {},
      'viewer',
    );
    expect(none.data?.orders.totalCount).toBe(0);
    const customer = page.getByRole('combobox', { name: 'Customer' });
    await customer.fill('Grace');
    await page.getByRole('option', { name: /Grace Hopper/ }).click();
    await page.getByRole('combobox', { name: 'Product' }).click();
    await page.getByRole('option', { name: /GADGET/ }).click();
    await page.getByRole('textbox', { name: 'Quantity' }).fill('2');
    await page.getByRole('combobox', { name: 'voltage' }).click();
    await page.getByRole('option', { name: '24', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('estimate').innerText())
      .toMatch(/Estimated production time: \d/);
    await checkScreen(page, '04-new-order');
    await page.getByRole('button', { name: 'Place order' }).dblclick();
    const placed = page.getByRole('status').filter({ hasText: /Order ORD-\d+ placed/ });
    await placed.waitFor();
    orderNumber = /ORD-\d+/.exec(await placed.innerText())![0];

    const orders = await graphql<{ orders: { totalCount: number; edges: { node: { lines: unknown[] } }[] } }>(
      suite.stack.url,
      '{ orders { totalCount edges { node { number lines { product quantity attributes } } } } }',
      {},
      'viewer',
    );
    expect(orders.data?.orders.totalCount).toBe(1);
    expect(orders.data?.orders.edges[0]!.node.lines).toEqual([
      { product: 'GADGET', quantity: 2, attributes: expect.objectContaining({ voltage: 24 }) },
    ]);
  }, 60_000);

  it('shows the order reach COMPLETE on the live board, with its history', async () => {
    await navLink(page, 'Live board').click();
    const status = page.getByTestId(`status-${orderNumber}`);
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe('COMPLETE');
    await checkScreen(page, '05-board');
    await page.getByRole('button', { name: orderNumber }).click();
    const drawer = page.getByRole('dialog', { name: `Order ${orderNumber}` });
    await expect.poll(() => drawer.innerText()).toMatch(/VERIFIED[\s\S]*SCHEDULED[\s\S]*COMPLETE/);
    await checkScreen(page, '06-order-detail');
    await page.keyboard.press('Escape');
  }, 60_000);

  it('reaches every control of the board by keyboard, and opens an order with Enter', async () => {
    await page.locator('body').focus();
    const reached: string[] = [];
    for (let presses = 0; presses < 30; presses++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const element = document.activeElement as HTMLElement | null;
          const label = element?.id
            ? document.querySelector(`label[for="${element.id}"]`)?.textContent
            : null;
          return (element?.getAttribute('aria-label') ?? label ?? element?.textContent ?? '').trim();
        }),
      );
      if (reached.at(-1) === orderNumber) break;
    }
    expect(reached).toEqual(
      expect.arrayContaining([
        'Sign out',
        'Live board',
        'New order',
        'Customers',
        'Factory floor',
        'Dashboard',
      ]),
    );
    expect(reached.some((name) => name.startsWith('Status'))).toBe(true);
    expect(reached.at(-1)).toBe(orderNumber);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: `Order ${orderNumber}` }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }, 60_000);

  it('shows the factory floor with the completed production order', async () => {
    await navLink(page, 'Factory floor').click();
    await expect.poll(() => page.getByTestId('completed-gadgets').innerText()).toBe('1 completed');
    await expect
      .poll(() => page.getByTestId('factory-widgets').innerText())
      .toMatch(/0 of \d+ lines busy · 0 queued/);
    await checkScreen(page, '07-factory-floor');
  }, 60_000);

  it('counts the order on the dashboard, and the next one live', async () => {
    await navLink(page, 'Dashboard').click();
    await expect.poll(() => page.getByTestId('count-COMPLETE').innerText()).toBe('1');
    expect(await page.getByTestId('completed-GADGET').innerText()).toBe('1');
    await checkScreen(page, '08-dashboard');
    // Another order through the API: the open dashboard follows it to COMPLETE without a reload.
    const customers = await graphql<{ customers: { edges: { node: { id: string } }[] } }>(
      suite.stack.url,
      '{ customers(search: "grace") { edges { node { id } } } }',
      {},
      'viewer',
    );
    const placed = await graphql(
      suite.stack.url,
      'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
      { id: customers.data!.customers.edges[0]!.node.id },
      'operator',
    );
    expect(placed.errors).toBeUndefined();
    await expect.poll(() => page.getByTestId('count-COMPLETE').innerText(), { timeout: 30_000 }).toBe('2');
    expect(await page.getByTestId('completed-WIDGET').innerText()).toBe('1');
  }, 60_000);

  it('explains a stale version and offers the current values', async () => {
    await navLink(page, 'Customers').click();
    await page.getByRole('button', { name: 'Edit Grace Hopper' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Phone').fill('+1 703 555 0100');
    // Someone else renames her meanwhile.
    const found = await graphql<{ customers: { edges: { node: { id: string; version: number } }[] } }>(
      suite.stack.url,
      '{ customers(search: "grace") { edges { node { id version } } } }',
      {},
      'viewer',
    );
    const { id, version } = found.data!.customers.edges[0]!.node;
    const renamed = await graphql(
      suite.stack.url,
      'mutation ($id: ID!, $version: Int!) { updateCustomer(id: $id, input: { version: $version, name: "Grace B. Hopper" }) { version } }',
      { id, version },
      'operator',
    );
    expect(renamed.errors).toBeUndefined();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const alert = dialog.getByRole('alert').filter({ hasText: 'Someone changed this customer' });
    await expect.poll(() => alert.innerText()).toContain('Grace B. Hopper');
    await checkScreen(page, '09-customer-conflict');
    await alert.getByRole('button', { name: 'Keep my changes' }).click();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Mine won: my phone (stored without spaces) over the version the other writer made.
    await page.getByRole('cell', { name: '+17035550100' }).waitFor();
  }, 60_000);

  it('shows a viewer no write action', async () => {
    const viewer = await signInAs(context, suite.stack.gateway.http.url, 'viewer');
    const nav = viewer.getByRole('navigation', { name: 'Screens' });
    await nav.getByRole('link', { name: 'Live board' }).waitFor();
    expect(await nav.getByRole('link', { name: 'New order' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Random orders' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Customers' }).click();
    await viewer.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    expect(await viewer.getByRole('button', { name: /New customer|Edit|Archive/ }).count()).toBe(0);
    await viewer.goto(`${suite.stack.gateway.http.url}/#/new-order`);
    await viewer.getByRole('heading', { name: 'Live board' }).waitFor();
    await viewer.close();
  }, 60_000);

  it('lets an admin start, retime and stop random orders', async () => {
    const admin = await signInAs(context, suite.stack.gateway.http.url, 'admin');
    await navLink(admin, 'Random orders').click();
    const state = admin.getByTestId('random-state');
    await expect.poll(() => state.innerText()).toMatch(/stopped/i);
    await admin.getByLabel('Interval').fill('soon');
    await admin.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => admin.getByLabel('Interval').getAttribute('aria-invalid')).toBe('true');
    await admin.getByLabel('Interval').fill('1 second');
    await admin.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => state.innerText()).toMatch(/running/i);
    await checkScreen(admin, '10-random-orders');
    await navLink(admin, 'Live board').click();
    await admin.getByRole('cell', { name: 'automated' }).first().waitFor({ timeout: 20_000 });
    // A busier board for the docs: random orders at several stages.
    await expect
      .poll(() => admin.getByRole('cell', { name: 'automated' }).count(), { timeout: 45_000 })
      .toBeGreaterThan(6);
    await checkScreen(admin, '11-board-busy');
    await navLink(admin, 'Random orders').click();
    await admin.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => state.innerText()).toMatch(/stopped/i);
    await admin.close();
    // Random orders come through Agenda's poll, once a second each: on a loaded machine seven of
    // them can take most of a minute.
  }, 120_000);

  it('never asks anything of a host other than the gateway, on any screen', () => {
    expect(requested.some((url) => url.startsWith('ws://127.0.0.1'))).toBe(true);
    expect(outsideLocalhost(requested)).toEqual([]);
  });
});
