import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import { haveChromium } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The desktop's writes are safe to repeat (issue 11): a double-click or a retry after the network
 * lost the answer makes one record; and the queues and their counts follow changes live, a
 * department's queue included.
 */
describe('repeatable writes and live queues in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let url: string;
  let olivia: Actor;
  let customerId: string;

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
    customerId = (
      await db.selectFrom('customers').select('id').orderBy('created_at').executeTakeFirstOrThrow()
    ).id;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** A fresh open case of Olivia's. */
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
    await page.getByRole('region', { name: 'Service level' }).waitFor();
  };

  const count = async (table: 'case_notes' | 'referrals' | 'commitments', caseId: string) =>
    Number(
      (
        await desktop.ctx.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('case_id', '=', caseId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Every write the page sent to paths matching `re`, with the Idempotency-Key it carried. */
  const recordWrites = (page: Page, re: RegExp) => {
    const sent: { path: string; key: string | undefined }[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET' && re.test(r.url()))
        sent.push({ path: new URL(r.url()).pathname, key: r.headers()['idempotency-key'] });
    });
    return sent;
  };

  test('a double-click on Add note, Refer and Add commitment makes one record each', async () => {
    const c = await openCase('Double clicks everywhere');
    const page = await desktop.signIn('olivia');
    const writes = recordWrites(page, /\/api\/v1\/cases\//);
    await openCasePage(page, c.id);

    await page.getByLabel('Note (staff only)').fill('Customer called back about the double charge');
    await page.getByRole('button', { name: 'Add note', exact: true }).dblclick();
    await page.getByText('Customer called back about the double charge').waitFor();

    const due = new Date(Date.now() + 2 * 86_400_000);
    const local = new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Revert by').fill(local);
    await page.getByLabel('What was promised').fill('Call back with the refund date');
    await page.getByRole('button', { name: 'Add commitment' }).dblclick();
    await page
      .getByRole('list', { name: 'Commitments on this case' })
      .getByText('Call back with the refund date')
      .waitFor();

    await page.locator('summary', { hasText: 'Refer to a department' }).click();

    const refer = page.getByRole('group', { name: 'Refer to a department' });
    await refer.getByLabel('Department').selectOption({ label: 'Billing' });
    await refer.getByLabel('Reason').fill('Refund needs Billing');
    await refer.getByRole('button', { name: 'Refer' }).dblclick();
    await page.getByTestId('case-status').getByText('pending action party').waitFor();
    // Give a second request, had one been sent, time to land.
    await page.waitForTimeout(500);

    assert.equal(await count('case_notes', c.id), 1, 'one note');
    assert.equal(await count('commitments', c.id), 1, 'one commitment');
    assert.equal(await count('referrals', c.id), 1, 'one referral');
    // The second click was not even sent (the button is disabled in flight), and no conflict is shown.
    for (const p of ['notes', 'commitments', 'referrals']) {
      const sent = writes.filter((w) => w.path.endsWith(`/${p}`));
      assert.equal(sent.length, 1, `one POST to ${p}`);
      assert.ok(sent[0]!.key, `${p} carries an Idempotency-Key`);
    }
    assert.equal(await page.getByTestId('case-conflict').count(), 0);
    await page.close();
  });

  test('a note whose answer the network lost, sent again, is one note (same key, replayed)', async () => {
    const c = await openCase('Flaky network');
    const page = await desktop.signIn('olivia');
    await openCasePage(page, c.id);
    // The first POST reaches the server and is saved; its answer never reaches the page.
    let lost = 0;
    await page.route(/\/api\/v1\/cases\/[^/]+\/notes$/, async (route) => {
      if (route.request().method() !== 'POST' || lost) return route.continue();
      lost++;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByLabel('Note (staff only)').fill('Promised a refund by Friday');
    await page.getByRole('button', { name: 'Add note', exact: true }).click();
    await page
      .getByRole('alert')
      // No answer: the desktop's own words for it (api.unreachable), not the browser's "Failed to fetch".
      .filter({ hasText: /Could not reach the server/ })
      .waitFor();
    assert.equal(await count('case_notes', c.id), 1, 'the lost request was saved');
    // The text is still there; the officer tries again.
    assert.equal(await page.getByLabel('Note (staff only)').inputValue(), 'Promised a refund by Friday');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/notes$/.test(r.url()));
    await page.getByRole('button', { name: 'Add note', exact: true }).click();
    const r = await answer;
    assert.equal(r.headers()['idempotent-replayed'], 'true', 'the server replayed the first answer');
    await page.getByRole('listitem').filter({ hasText: 'Promised a refund by Friday' }).waitFor();
    assert.equal(await page.getByLabel('Note (staff only)').inputValue(), '', 'the composer is cleared');
    assert.equal(await count('case_notes', c.id), 1, 'still one note');

    // The same words saved again on purpose, after a success, are a new note (a new key).
    await page.getByLabel('Note (staff only)').fill('Promised a refund by Friday');
    await page.getByRole('button', { name: 'Add note', exact: true }).click();
    await page.getByRole('listitem').filter({ hasText: 'Promised a refund by Friday' }).nth(1).waitFor();
    assert.equal(await count('case_notes', c.id), 2);
    await page.close();
  });

  test("a team leader's team queue and a department queue show a new case and a referral live, counts included", async () => {
    const db = desktop.ctx.store.db;
    const billing = await db
      .selectFrom('departments')
      .select('id')
      .where('name', '=', 'Billing')
      .executeTakeFirstOrThrow();
    // Lena leads Olivia's team; Bella leads Billing and has no team: Olivia's cases reach her only
    // through Billing's queue.
    const lena = await desktop.signIn('lena');
    await lena.goto(`${url}/#/cases`);
    await lena.getByRole('radio', { name: "My team's" }).check();
    const lenaCounts = lena.getByTestId('queue-counts');
    await lenaCounts.waitFor();
    const bella = await desktop.signIn('bella');
    await bella.goto(`${url}/#/cases`);
    await bella.getByRole('radio', { name: 'Department' }).check();
    await bella.getByRole('combobox', { name: 'Department' }).selectOption(billing.id);
    const bellaCounts = bella.getByTestId('queue-counts');
    await bellaCounts.waitFor();
    // "3 open · 0 highly critical · 1 pending action party · …" as numbers.
    const read = async (p: Page) => {
      const text = (await p.getByTestId('queue-counts').textContent()) ?? '';
      return {
        open: Number(text.match(/(\d+) open/)![1]),
        pending: Number(text.match(/(\d+) pending action party/)![1]),
      };
    };
    /** Wait until the counts shown on `p` are `want` (polled: they change by themselves, live). */
    const countsBecome = async (p: Page, want: { open: number; pending: number }) => {
      const until = Date.now() + 5000;
      while (Date.now() < until) {
        const got = await read(p);
        if (got.open === want.open && got.pending === want.pending) return;
        await p.waitForTimeout(50);
      }
      assert.deepEqual(await read(p), want);
    };
    const team0 = await read(lena);
    const billing0 = await read(bella);

    // Olivia logs a case: Lena's team queue shows it, and its count, without a reload.
    const started = Date.now();
    const c = await openCase('Live queue: charged twice');
    await lena.locator(`tr[data-case="${c.reference}"]`).waitFor({ timeout: 5000 });
    await countsBecome(lena, { open: team0.open + 1, pending: team0.pending });
    const toTeam = Date.now() - started;

    // Olivia refers it to Billing from her desktop: Bella's department queue shows it, and Lena's
    // team count of cases pending an action party moves.
    const officer = await desktop.signIn('olivia');
    await openCasePage(officer, c.id);
    await officer.locator('summary', { hasText: 'Refer to a department' }).click();
    const refer = officer.getByRole('group', { name: 'Refer to a department' });
    await refer.getByLabel('Department').selectOption({ label: 'Billing' });
    await refer.getByLabel('Reason').fill('Refund needs Billing');
    const referred = Date.now();
    await refer.getByRole('button', { name: 'Refer' }).click();
    await bella.locator(`tr[data-case="${c.reference}"]`).waitFor({ timeout: 5000 });
    await countsBecome(bella, { open: billing0.open + 1, pending: billing0.pending + 1 });
    const toDepartment = Date.now() - referred;
    await countsBecome(lena, { open: team0.open + 1, pending: team0.pending + 1 });
    console.log(
      `live: team queue ${toTeam} ms after the case was logged; department queue ${toDepartment} ms after Refer`,
    );
    for (const p of [lena, bella, officer]) await p.close();
  });
});
