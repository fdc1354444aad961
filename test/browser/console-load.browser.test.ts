import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { graphql } from '#kit/testing/graphql-client.ts';
import { ARTEFACTS, consoleSuite, chromiumPresent, recordingContext, signInAs } from './console-support.ts';

const ORDERS = 1_000;
const CONCURRENCY = 10;

/** Milliseconds from `act` until `done` resolves. */
const timed = async (act: () => Promise<unknown>, done: () => Promise<unknown>) => {
  const started = performance.now();
  await act();
  await done();
  return Math.round(performance.now() - started);
};

/**
 * The board with 1,000 orders arriving while it is open: ~3,000 subscription
 * events (VERIFIED, SCHEDULED, COMPLETE). It shows a page at a time, so it
 * should stay responsive; the figures are printed for the docs.
 */
describe.skipIf(!chromiumPresent)('the live board under 1,000 orders', () => {
  const suite = consoleSuite({ all: { SIM_TIME_SCALE: '0.01' }, orders: { JOB_POLL_MS: '50' } });
  let page: Page;

  it('keeps up with the stream and answers filters and paging quickly', async () => {
    const { context } = await recordingContext(suite.browser);
    page = await signInAs(context, suite.stack.gateway.http.url, 'viewer');
    await page.getByRole('heading', { name: 'Live board' }).waitFor();
    await page.evaluate(() => {
      const long: number[] = ((window as unknown as { longTasks: number[] }).longTasks = []);
      new PerformanceObserver((list) =>
        list.getEntries().forEach((entry) => long.push(entry.duration)),
      ).observe({
        type: 'longtask',
        buffered: true,
      });
    });

    const customer = await graphql<{ createCustomer: { id: string } }>(
      suite.stack.url,
      'mutation { createCustomer(input: { name: "Load Tester", email: "load@example.com" }) { id } }',
      {},
      'operator',
    );
    const customerId = customer.data!.createCustomer.id;
    const placeStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          next++;
          const placed = await graphql(
            suite.stack.url,
            'mutation ($id: ID!) { placeOrder(input: { customerId: $id, lines: [{ product: WIDGET, quantity: 1 }] }) { number } }',
            { id: customerId },
            'operator',
          );
          expect(placed.errors).toBeUndefined();
        }
      }),
    );
    const placeMs = Math.round(performance.now() - placeStarted);
    // Every new order reached the open board by subscription. A group's events are resolved one after
    // another (each a plan execution and a customers fetch), so on a loaded machine the board's stream
    // lags the placements by a minute or more (seen in full runs: stuck near 950 of 1,000 at 60 s).
    await page
      .getByText(`Page 1 · ${ORDERS} orders`)
      .waitFor({ timeout: 150_000 })
      .catch(async (error: unknown) => {
        await page.screenshot({ path: `${ARTEFACTS}board-1000-orders-failed.png` });
        throw error;
      });
    // An artefact for the docs, not a check: while the stream goes on, a full run's load once kept Chromium
    // from producing the frame within the context's 15 s (the assertions on responsiveness follow).
    await page.screenshot({ path: `${ARTEFACTS}board-1000-orders.png`, timeout: 60_000 });

    const pageMs = await timed(
      () => page.getByRole('button', { name: 'Older' }).click(),
      () => page.getByText(`Page 2 · `).waitFor(),
    );
    // The filter is judged on COMPLETE orders: wait for the first (on a loaded machine production lags the board).
    await expect
      .poll(
        async () => {
          const complete = await graphql<{ orders: { totalCount: number } }>(
            suite.stack.url,
            '{ orders(first: 1, status: COMPLETE) { totalCount } }',
            {},
            'viewer',
          );
          return complete.data?.orders.totalCount ?? 0;
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    const filterMs = await timed(
      async () => {
        await page.getByRole('combobox', { name: 'Status' }).click();
        await page.getByRole('option', { name: 'COMPLETE' }).click();
      },
      // Every row shown is COMPLETE once the filtered page has replaced the unfiltered one.
      () =>
        expect
          .poll(
            () =>
              page.evaluate(() => {
                const badges = Array.from(document.querySelectorAll('[data-testid^="status-"]'));
                return badges.length > 0 && badges.every((badge) => badge.textContent === 'COMPLETE');
              }),
            // The filtered page arrives while 1,000 orders stream in on a shared 2-core machine.
            { timeout: 60_000 },
          )
          .toBe(true),
    );
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const rows = await page.getByRole('row').count();
    const figures = {
      orders: ORDERS,
      placeMs,
      pageMs,
      filterMs,
      rowsRendered: rows,
      longTasks: longTasks.length,
      longestTaskMs: Math.round(Math.max(0, ...longTasks)),
      blockingMs: Math.round(longTasks.reduce((sum, duration) => sum + Math.max(0, duration - 50), 0)),
    };
    console.info(`board under load: ${JSON.stringify(figures)}`);
    // A page of rows, never the whole history; generous bounds, as the CPU is shared.
    expect(rows).toBeLessThanOrEqual(26);
    expect(pageMs).toBeLessThan(3_000);
    expect(filterMs).toBeLessThan(3_000);
    expect(figures.longestTaskMs).toBeLessThan(1_000);
  }, 300_000);
});
