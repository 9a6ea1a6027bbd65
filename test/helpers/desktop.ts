import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildApp, type Services } from '../../src/server/app.ts';
import { type Clock, systemClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { launchChromium, watchPageErrors } from './browser.ts';

export const DEMO_PASSWORD = 'e2e-demo-password';

export interface Desktop {
  ctx: Ctx;
  /** The running app's own services (its caches and scheduler), to set up records as the app would. */
  services: Services;
  url: string;
  browser: Browser;
  /** A new page, signed in as a demo user. */
  signIn(username: string): Promise<Page>;
  /** Uncaught errors thrown so far in any page of this desktop's browser. */
  pageErrors: string[];
  /** Throws if any page has thrown an uncaught error (call it in afterEach to name the test). */
  assertNoPageErrors(): void;
  /** Closes everything, then fails if any page threw an uncaught error during the suite. */
  close(): Promise<void>;
}

/**
 * The demo centre on a fresh SQLite file, served on a free port, with Chromium: what every browser
 * test stands on.
 */
export async function startDesktop(opts: {
  customers: number;
  clock?: Clock;
  /** Server settings beyond the data directory (e.g. FRONTLINE_WEBHOOKS_ALLOW_PRIVATE). */
  env?: Record<string, string>;
}): Promise<Desktop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-e2e-'));
  const store = await openDb({ sqliteFile: path.join(dir, 'frontline.db') });
  await migrateToLatest(store);
  const ctx: Ctx = {
    store,
    clock: opts.clock ?? systemClock,
    config: { ...loadConfig({ ...opts.env, FRONTLINE_DATA_DIR: dir }), secureCookies: true },
  };
  await seedDemo(ctx, { customers: opts.customers, cases: 0, password: DEMO_PASSWORD });
  const { app, services } = await buildApp(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://localhost:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const browser = await launchChromium();
  const pageErrors = watchPageErrors(browser);
  const assertNoPageErrors = () => {
    if (pageErrors.length)
      throw new Error(`uncaught error in the page:\n${pageErrors.splice(0).join('\n---\n')}`);
  };
  return {
    ctx,
    services,
    url,
    browser,
    async signIn(username) {
      const page = await browser.newPage();
      await page.goto(url);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      return page;
    },
    pageErrors,
    assertNoPageErrors,
    async close() {
      await browser.close();
      await app.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
      assertNoPageErrors();
    },
  };
}
