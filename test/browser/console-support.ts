import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { build } from 'vite';
import { CONSOLE_DIST } from '../../gateway/src/console/route.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';
import { launchChromium } from '../support/browser.ts';

export { CHROMIUM, chromiumPresent, launchChromium, outsideLocalhost } from '../support/browser.ts';
/** Screenshots of every screen, for anyone to look at (ignored by git). */
export const ARTEFACTS = fileURLToPath(new URL('../artefacts/console/', import.meta.url));

export async function buildConsoleIfMissing() {
  if (!existsSync(`${CONSOLE_DIST}/index.html`)) {
    await build({
      configFile: fileURLToPath(new URL('../../gateway/console/vite.config.ts', import.meta.url)),
    });
  }
}

/**
 * A console suite's stack and browser: the console built if missing, the supergraph started (with
 * these overrides) and Chromium launched before its tests, both closed after them. The fields are
 * set once `beforeAll` has run.
 */
export function consoleSuite(overrides: Parameters<typeof startSupergraph>[0] = {}) {
  const suite = {} as { stack: Supergraph; browser: Browser };
  beforeAll(async () => {
    await buildConsoleIfMissing();
    suite.stack = await startSupergraph(overrides);
    suite.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.stack?.close();
  }, 120_000);
  return suite;
}

/** A 1280 × 800 context that records every URL the page asks for (HTTP and WebSocket). */
export async function recordingContext(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(15_000);
  const requested: string[] = [];
  context.on('request', (request) => requested.push(request.url()));
  context.on('page', (page) => page.on('websocket', (socket) => requested.push(socket.url())));
  return { context, requested };
}

/** Saves the screen and fails on any serious or critical axe-core violation. */
export async function checkScreen(page: Page, name: string) {
  mkdirSync(ARTEFACTS, { recursive: true });
  // Fading elements (an empty state on its way out) would be judged at half opacity.
  await page.addStyleTag({
    content: '*, *::before, *::after { transition: none !important; animation: none !important; }',
  });
  await page.waitForTimeout(100);
  await page.screenshot({ path: `${ARTEFACTS}${name}.png` });
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((violation) =>
    ['serious', 'critical'].includes(violation.impact ?? ''),
  );
  expect(
    bad.map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target).join(' | ')})`,
    ),
    `axe-core on ${name}`,
  ).toEqual([]);
}

export async function signInAs(
  context: BrowserContext,
  baseUrl: string,
  role: 'viewer' | 'operator' | 'admin',
) {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByRole('button', { name: `Sign in as ${role}` }).click();
  await page.getByTestId('role').filter({ hasText: role }).waitFor();
  return page;
}

/** A link of the console's navigation (other links on a screen may share its words). */
export const navLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name, exact: true });
