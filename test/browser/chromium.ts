import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's Chromium; `npm test` installs it (scripts/lib.sh, ensure_chromium). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones,
 * Chromium keeps calling Google's hosts and logs every refusal.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface RunningBrowser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Headless Chromium with a fresh, empty profile that is removed on close. */
export async function launchChromium(): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: run \`npm test\`, which installs Debian's chromium, ` +
        "or `bash -c 'source scripts/lib.sh; ensure_chromium'`.",
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'bulwark-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);

  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Screenshots go to test-results/screenshots, or to SCREENSHOT_DIR: `npm run
 * screenshots` points it at docs/screenshots, the committed ones.
 */
export function screenshotDirectory(): string {
  const directory = resolve(process.env.SCREENSHOT_DIR ?? join('test-results', 'screenshots'));
  mkdirSync(directory, { recursive: true });

  return directory;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDirectory(), `${name}.png`), fullPage: true });
}

/** Whether the page scrolls sideways: at a narrow width nothing should stick out. */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  // A string runs in the page; this file is type-checked without the DOM library.
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
}
