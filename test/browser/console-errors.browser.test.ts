import { describe, expect, it } from 'vitest';
import { consoleSuite, chromiumPresent, navLink, recordingContext, signInAs } from './console-support.ts';

/** What the board shows when the gateway refuses its page (here: a cost limit far below what a page costs). */
describe.skipIf(!chromiumPresent)('the console when the gateway refuses a query', () => {
  const suite = consoleSuite({ gateway: { MAX_COST: '50' } });

  it('says why on the board instead of showing an empty floor', async () => {
    const { context } = await recordingContext(suite.browser);
    const page = await signInAs(context, suite.stack.gateway.http.url, 'viewer');
    await navLink(page, 'Live board').click();
    const alert = page.getByRole('alert').filter({ hasText: 'The orders could not be loaded' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Cost limit of 50 exceeded/);
    expect(await page.getByText('No orders yet').count()).toBe(0);
    await context.close();
  }, 60_000);
});
