import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Actor } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * Issue 12, History: a supervisor reads the audit trail in the administration area, filters it by
 * person, action and record, pages past the first 50, sees who viewed a customer's particulars
 * unmasked, and reads a case's history (the <History> component) with before → after.
 */
describe('the audit trail and a record history in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let caseId: string;
  let customerId: string;
  let customerName: string;

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    const { services, ctx } = desktop;
    const who = async (username: string): Promise<Actor> => {
      const u = await ctx.store.db
        .selectFrom('users')
        .select(['id', 'role'])
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      return { userId: u.id, role: u.role, via: 'session' };
    };
    const olivia = await who('olivia');
    const sam = await who('sam');
    const customer = (await services.customers.list(sam, 1, undefined)).items[0]!;
    customerId = customer.id;
    customerName = customer.displayName;
    // Olivia takes a call and opens a case, then raises its priority; the contact is ended.
    const contact = await services.contacts.create(olivia, {
      channel: 'phone',
      direction: 'inbound',
      customerId,
    });
    const c = await services.cases.create(olivia, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'Charged twice for October',
    });
    caseId = c.id;
    await services.cases.update(olivia, caseId, { priority: 'high' }, undefined);
    await services.contacts.update(olivia, contact.id, { end: true });
  });
  after(() => desktop?.close());
  afterEach(() => desktop.assertNoPageErrors());

  test('a supervisor filters the trail, pages on, and sees who viewed particulars unmasked', async () => {
    const page = await desktop.signIn('sam');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    const table = page.getByRole('table', { name: 'Audit trail entries' });
    await table.waitFor();
    // The demo's set-up alone is more than a page: 50, then older ones appended.
    assert.equal(await table.locator('tbody tr').count(), 50);
    await page.getByRole('button', { name: 'Show older' }).click();
    await page.getByText(/^(5[1-9]|[6-9]\d|\d{3,}) shown$/).waitFor();
    assert.ok((await table.locator('tbody tr').count()) > 50);
    await assertAccessible(page, 'audit trail');

    // Who: Olivia; what: case changes.
    const filters = page.getByRole('form', { name: 'Audit filters' });
    await filters.getByLabel('Who').selectOption({ label: 'Olivia Tan' });
    await filters.getByLabel('Action').fill('case.updated');
    await filters.getByRole('button', { name: 'Show' }).click();
    await page.getByText('1 shown').waitFor();
    const row = table.locator('tbody tr').first();
    await row.getByText('Olivia Tan').waitFor();
    await row.getByText('Changed the case').waitFor();
    const change = row.getByRole('listitem').filter({ hasText: 'priority' });
    assert.equal(await change.locator('del').textContent(), 'normal');
    assert.equal(await change.locator('ins').textContent(), 'high');
    assert.equal(await row.getByRole('link').getAttribute('href'), `#/cases/${caseId}`);
    await page.screenshot({ path: `${SHOTS}/audit-01-filtered.png`, fullPage: true });

    // Sam opens the customer (unmasked by role): the view is in the trail for that record.
    await page.goto(`${desktop.url}/#/customers/${customerId}`);
    await page.getByRole('heading', { name: customerName }).first().waitFor();
    await page.goto(`${desktop.url}/#/admin/audit?entityType=customer&entityId=${customerId}`);
    const byRecord = page.getByRole('table', { name: 'Audit trail entries' });
    const viewed = byRecord.locator('tbody tr').filter({ hasText: 'Viewed particulars unmasked' }).first();
    await viewed.waitFor();
    await viewed.getByText('Sam Rahman').waitFor();
    await viewed.getByText('by role').waitFor();
    await assertAccessible(page, 'audit trail filtered by a customer');

    // A record filter with its id missing is refused with the field named, beside the field.
    await page.getByRole('button', { name: 'Clear' }).click();
    await filters.getByLabel('Record type').selectOption('case');
    await filters.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').filter({ hasText: 'Record id is required with entityType' }).waitFor();
    await page.close();
  });

  test("a case's history: who changed what and when, before → after, dates in the reader's locale", async () => {
    const page = await desktop.signIn('sam');
    await page.goto(`${desktop.url}/#/admin/history/case/${caseId}`);
    const table = page.getByRole('table', { name: 'Case history' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 2);
    const changed = rows.filter({ hasText: 'Changed the case' });
    await changed.getByText('Olivia Tan').waitFor();
    await changed.getByText('normal').waitFor();
    await rows.filter({ hasText: 'Opened the case' }).waitFor();
    // The time as Intl formats it in this browser's locale (no seconds), the instant in dateTime.
    const time = changed.locator('time');
    const iso = await time.getAttribute('dateTime');
    const expected = await page.evaluate(
      (at) =>
        new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)),
      iso!,
    );
    assert.equal(await time.textContent(), expected);
    await assertAccessible(page, 'case history');
    await page.screenshot({ path: `${SHOTS}/audit-02-case-history.png`, fullPage: true });
    await page.close();
  });
});
