// Headless Chromium for the page tests and the browser benchmark: Debian's /usr/bin/chromium driven by
// playwright-core (whose own browser download is not used), with the flags that keep it quiet and offline.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const hasChromium = (): boolean => existsSync(CHROMIUM);

export const NO_CHROMIUM = `${CHROMIUM} not found (apt-get install -y chromium)`;

/** Launches headless Chromium with a fresh profile of its own (playwright makes a temporary one per launch). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
