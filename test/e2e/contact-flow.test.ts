import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/server/app.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'e2e-demo-password';
const SHOTS = 'test-results';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  const msg = `\n!!! Chromium not found at ${CHROMIUM}: browser tests are NOT running (apt-get install -y chromium) !!!\n`;
  if (process.env.CI) throw new Error(msg);
  console.warn(msg);
}

/** axe-core in the page: no serious or critical violation. */
async function assertAccessible(page: Page, what: string) {
  await page.addScriptTag({ path: path.resolve('node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const r = await (window as any).axe.run(document);
    return r.violations
      .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: { id: string; impact: string; nodes: { target: string[] }[] }) =>
          `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
  });
  assert.deepEqual(violations, [], `${what} has accessibility violations`);
}

describe('agent desktop in Chromium', { skip: !haveChromium }, () => {
  let browser: Browser;
  let ctx: Ctx;
  let url: string;
  let close: () => Promise<void>;
  let mobile: string;
  let idNumber: string;

  before(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-e2e-'));
    const store = await openDb({ sqliteFile: path.join(dir, 'frontline.db') });
    await migrateToLatest(store);
    ctx = {
      store,
      clock: systemClock,
      config: { ...loadConfig({ FRONTLINE_DATA_DIR: dir }), secureCookies: true },
    };
    await seedDemo(ctx, { customers: 30, cases: 40, password: PASSWORD });
    const c = await store.db
      .selectFrom('customers')
      .select(['phones', 'id_number'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    mobile = parseJson<{ number: string }[]>(c.phones, [])[0]!.number;
    idNumber = c.id_number!;
    const { app } = await buildApp(ctx, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://localhost:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    close = async () => {
      await browser.close();
      await app.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });
  after(() => close());

  test('an officer finds a caller by mobile, verifies, classifies, resolves with confirmation; the case shows resolved with its timeline', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await assertAccessible(page, 'login page');
    await page.screenshot({ path: `${SHOTS}/01-login.png` });
    await page.getByLabel('Username').fill('olivia');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByText('This is Olivia Tan').waitFor();
    await page.getByLabel('Find customer').fill(mobile);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();

    // Unverified: particulars and account numbers are masked.
    const id = page.getByTestId('id-number');
    await id.waitFor();
    assert.match(await id.innerText(), /^\*+/);
    assert.match(await page.getByTestId('account').first().innerText(), /^\*+\d{4}/);
    await assertAccessible(page, 'contact flow');

    await page.getByLabel('Registered name matches').check();
    await page.getByLabel('ID number (NRIC / passport) matches').check();
    await page.getByRole('button', { name: 'Record verification' }).click();
    await page.getByText('Verified: account details shown.').waitFor();
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="id-number"]')?.textContent === want,
      idNumber,
    );

    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('I was charged twice for roaming last month.');
    await page.getByLabel('Type').selectOption('complaint');
    await page.getByLabel('Resolution summary').fill('Explained the duplicate charge; refund issued.');
    await page.getByLabel('Customer confirmed it is resolved to their satisfaction').check();
    await page.screenshot({ path: `${SHOTS}/02-contact-flow.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save outcome' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'saved' });
    await saved.waitFor();
    assert.match(await saved.innerText(), /CS-\d{6} saved \(resolved\)/);
    await page.getByLabel('Asked “Is there anything else I can help you with?”').check();
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after \d+ s/).waitFor();

    await saved.getByRole('link').click();
    await page.getByTestId('case-status').waitFor();
    assert.equal(await page.getByTestId('case-status').innerText(), 'resolved');
    const timeline = await page.getByRole('list', { name: 'Timeline' }).innerText();
    assert.match(timeline, /created/);
    assert.match(timeline, /status changed → resolved/);
    assert.match(await page.locator('article').innerText(), /confirmed by the customer/);
    await assertAccessible(page, 'case page');
    await page.screenshot({ path: `${SHOTS}/03-case.png`, fullPage: true });

    const row = await ctx.store.db
      .selectFrom('cases')
      .selectAll()
      .where('status', '=', 'resolved')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(Boolean(row.customer_confirmed), true);
    await page.close();
  });
});
