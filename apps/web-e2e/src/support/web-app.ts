import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const WEB_ROOT = path.join(REPO_ROOT, 'dist/web');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'artifacts/screenshots');
const CHROMIUM = process.env.MOXNAS_CHROMIUM ?? '/usr/bin/chromium';

export interface WebApp {
  api: TestApp;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The API's base URL, which also serves the dashboard. */
  url: string;
  /** Uncaught page errors and console errors seen so far (a clean page has none). */
  pageErrors: string[];
  /** Saves artifacts/screenshots/<name>.png and returns its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  /** Runs a test body; when it fails, saves `failed-<name>.png` first so the artifact shows why. */
  step(name: string, body: () => Promise<void>): Promise<void>;
  /** Waits until no section shows its loading bar (all first answers are in). */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real API (own database, data dir and etc root) serving the built dashboard, and a headless
 * Chromium pointed at it. The dashboard must be built first; the test says so instead of serving
 * a 404 page and failing somewhere less obvious.
 */
export async function startWebApp(options: { env?: Record<string, string> } = {}): Promise<WebApp> {
  if (!fs.existsSync(path.join(WEB_ROOT, 'index.html'))) {
    throw new Error(`The dashboard is not built (${WEB_ROOT}/index.html is missing). Run: npx vite build --config apps/web/vite.config.mts`);
  }
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's chromium package or set MOXNAS_CHROMIUM.`);
  }
  const api = await startTestApp({ listen: true, env: { MOXNAS_WEB_ROOT: WEB_ROOT, ...options.env } });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    const watch = (p: Page) => {
      p.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
      p.on('console', (msg) => {
        // A 401 while the app checks for a session is expected; the network layer logs it as an error.
        if (msg.type() === 'error' && !/status of 401/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`);
      });
    };
    watch(page);
    context.on('page', watch);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const launched = browser;
    return {
      api,
      browser: launched,
      context,
      page,
      url: api.url,
      pageErrors,
      async screenshot(name, target = page) {
        const file = path.join(SCREENSHOT_DIR, `${name}.png`);
        await target.screenshot({ path: file, fullPage: true });
        return file;
      },
      async step(name, body) {
        try {
          await body();
        } catch (error) {
          await page.screenshot({ path: path.join(SCREENSHOT_DIR, `failed-${name}.png`), fullPage: true }).catch(() => undefined);
          throw error;
        }
      },
      async settled(timeoutMs = 20_000) {
        // Polled from here: the dashboard's CSP (rightly) forbids the eval a string predicate needs.
        const loaders = page.locator('[aria-label="Loading"]');
        const deadline = Date.now() + timeoutMs;
        while ((await loaders.count()) > 0) {
          if (Date.now() > deadline) throw new Error(`Still loading after ${timeoutMs} ms: ${await loaders.count()} section(s) show a loading bar`);
          await page.waitForTimeout(200);
        }
      },
      async close() {
        await launched.close();
        await api.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await api.close();
    throw error;
  }
}
