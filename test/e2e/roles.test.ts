import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * Each role sees only what it may do, and two tabs on one case cannot silently overwrite each other.
 * Every test here (and every browser test) fails on an uncaught error in the page.
 */
describe('roles and conflicts in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let url: string;
  let olivia: Actor;
  let customerId: string;
  let customerIdNumber: string;

  before(async () => {
    desktop = await startDesktop({ customers: 10 });
    url = desktop.url;
    const db = desktop.ctx.store.db;
    const u = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    olivia = { userId: u.id, role: 'officer', via: 'session' };
    const c = await db
      .selectFrom('customers')
      .select(['id', 'id_number'])
      .where('id_number', 'is not', null)
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    customerId = c.id;
    customerIdNumber = c.id_number!;
  });
  // Name the test that produced an uncaught page error, not just the suite.
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** A fresh open case of Olivia's on the first customer. */
  async function openCase(subject: string) {
    const contact = await desktop.services.contacts.create(olivia, {
      channel: 'phone',
      direction: 'inbound',
      customerId,
    });
    return desktop.services.cases.create(olivia, { contactId: contact.id, type: 'complaint', subject });
  }

  const openCasePage = async (page: Page, id: string) => {
    await page.goto(`${url}/#/cases/${id}`);
    await page.getByTestId('case-status').waitFor();
    // The clocks load after the header: wait for them so a late error is caught here.
    await page.getByRole('region', { name: 'Service level' }).waitFor();
  };

  test('a trainer opens a case and is offered no change: no Resume, Resolve, Add note or Refer', async () => {
    const c = await openCase('Trainer looks, changes nothing');
    const page = await desktop.signIn('tara');
    await openCasePage(page, c.id);
    await page.getByRole('list', { name: 'Conversation' }).waitFor();
    for (const name of [
      'Resume',
      'Resolve',
      'Wait for customer',
      'Add note',
      'Add reply',
      'Refer',
      'Add commitment',
      'Raise',
    ])
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
    assert.equal(await page.getByLabel('Note (staff only)').count(), 0, 'no note composer');
    assert.equal(await page.getByRole('group', { name: 'Refer to a department' }).count(), 0);
    assert.equal(await page.getByText('Flag a policy inconsistency').count(), 0);
    await assertAccessible(page, 'case page for a trainer');
    await page.screenshot({ path: `${SHOTS}/roles-01-trainer-case.png`, fullPage: true });

    // The officer who owns it still has every legal move.
    const officer = await desktop.signIn('olivia');
    await openCasePage(officer, c.id);
    for (const name of ['Resolve', 'Add note'])
      await officer.getByRole('button', { name, exact: true }).waitFor();
    await officer.locator('summary', { hasText: 'Refer to a department' }).waitFor();
    await page.close();
    await officer.close();
  });

  test('a trainer sees the customer masked', async () => {
    const page = await desktop.signIn('tara');
    await page.goto(`${url}/#/customers/${customerId}`);
    await page.getByText('Particulars are masked').waitFor();
    const shown = await page.getByTestId('id-number').textContent();
    assert.notEqual(shown, customerIdNumber);
    assert.ok(shown?.endsWith(customerIdNumber.slice(-4)), `masked to the last characters: ${shown}`);
    assert.equal(
      await page.getByText(customerIdNumber, { exact: false }).count(),
      0,
      'the full ID number is nowhere on the page',
    );
    await page.close();
  });

  test('a trainer reads a proposed solution but has no comment box', async () => {
    const s = await desktop.services.solutions.propose(olivia, {
      problem: 'Charged twice after a plan change',
      solution: 'Refund the pro-rated amount.',
    });
    const page = await desktop.signIn('tara');
    await page.goto(`${url}/#/kb/solutions/${s.id}`);
    await page.getByRole('region', { name: 'Discussion' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Add comment' }).count(), 0);
    assert.equal(await page.getByLabel('Comment').count(), 0);
    // A typed-in address to a writer's form shows nothing to fill in.
    for (const hash of ['#/kb/new', '#/kb/solutions/new']) {
      await page.goto(`${url}/${hash}`);
      await page.getByRole('navigation', { name: 'Knowledge' }).waitFor();
      assert.equal(await page.getByRole('button', { name: /Save|Propose/ }).count(), 0, hash);
    }
    await page.close();
  });

  test('two tabs on one case: tab A resolves; tab B’s stale Resolve says who changed it and when, and changes nothing', async () => {
    const c = await openCase('Two tabs, one case');
    const a = await desktop.signIn('olivia');
    const b = await desktop.signIn('olivia');
    // The open case updates live; tab B's socket is held silent, as a tab whose connection has
    // dropped, so that it still shows the old case when its Resolve is clicked.
    await b.routeWebSocket(/\/api\/v1\/stream/, () => {});
    await b.reload(); // the socket opened at sign-in is replaced by the silent one
    await openCasePage(a, c.id);
    await openCasePage(b, c.id);

    // Resolve asks for the summary first, then resolves with it.
    await a.getByRole('button', { name: 'Resolve', exact: true }).click();
    await a.getByLabel('Resolution summary (for Resolve)').fill('Refunded by tab A');
    await a.getByRole('button', { name: 'Resolve with this summary' }).click();
    await a.getByTestId('case-status').filter({ hasText: 'resolved' }).waitFor();

    await b.getByRole('button', { name: 'Resolve', exact: true }).click();
    await b.getByLabel('Resolution summary (for Resolve)').fill('Tab B would overwrite this');
    await b.getByRole('button', { name: 'Resolve with this summary' }).click();
    const conflict = b.getByTestId('case-conflict');
    await conflict.waitFor();
    const text = (await conflict.textContent()) ?? '';
    assert.match(text, /Changed by Olivia [^—]+ at \d{1,2}:\d{2}.*— reload/);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T/, 'no raw ISO instant in the sentence');
    await assertAccessible(b, 'case page with a conflict');
    await b.screenshot({ path: `${SHOTS}/roles-02-stale-tab.png`, fullPage: true });

    const row = await desktop.ctx.store.db
      .selectFrom('cases')
      .select(['status', 'resolution_summary', 'version'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...row, version: Number(row.version) },
      { status: 'resolved', resolution_summary: 'Refunded by tab A', version: 2 },
      'tab B changed nothing',
    );

    // Reload shows tab A's change and clears the warning.
    await conflict.getByRole('button', { name: 'Reload' }).click();
    await b.getByTestId('case-status').filter({ hasText: 'resolved' }).waitFor();
    assert.equal(await b.getByTestId('case-conflict').count(), 0);
    await b.getByText('Resolution: Refunded by tab A').waitFor();
    await a.close();
    await b.close();
  });

  test('the open case updates live when someone else changes it', async () => {
    const c = await openCase('Changed while open');
    const page = await desktop.signIn('olivia');
    await openCasePage(page, c.id);
    await page
      .getByTestId('case-status')
      .filter({ hasText: /^open$/ })
      .waitFor();
    await desktop.services.cases.transition(olivia, c.id, { action: 'await_customer' });
    await page.getByTestId('case-status').filter({ hasText: 'pending customer' }).waitFor({ timeout: 5000 });
    await page.close();
  });

  test('the service-level panel follows the first reply without a reload', async () => {
    const c = await openCase('Reply meets the first-response clock');
    const page = await desktop.signIn('olivia');
    await openCasePage(page, c.id);
    const first = page.locator('[data-clock="first_response"]');
    await first.waitFor();
    assert.doesNotMatch((await first.textContent()) ?? '', /\bmet\b/);
    await page.getByRole('radio', { name: 'Reply to the customer' }).check();
    await page.getByLabel('Reply (the customer sees this)').fill('We are looking into the double charge.');
    await page.getByRole('button', { name: 'Add reply' }).click();
    await page
      .locator('[data-clock="first_response"]')
      .filter({ hasText: /\bmet\b/ })
      .waitFor();
    await page.close();
  });
});
