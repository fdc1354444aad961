import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), which the browser tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);

/** Headless, with nothing that reaches out of this machine (background networking, updates, sync). */
export const launchChromium = () =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });

/** The URLs among `urls` that left localhost (a CDN, a font service, a telemetry host). */
export const outsideLocalhost = (urls: string[]) =>
  urls.filter(
    (url) =>
      !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)[:/]/.test(url) &&
      !url.startsWith('blob:') &&
      !url.startsWith('data:'),
  );
