import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';

/**
 * Issue 12.8, translation-ready, the second half of the desktop: under the pseudo-locale `en-XA`
 * every string of the administration (users, teams, directory, categories, verification policy,
 * phrases), the service-level screens (calendars, policies, escalation rules, settings, preview),
 * the audit trail, the customer screens (360 view, correcting particulars, adding an account,
 * merging) and the keyboard shortcuts comes from the catalogue — shown inside ⟦…⟧. Names, paths,
 * ids and what the server said are data (`allow`, or marked `data-i18n-skip` on the screen).
 */
describe('pseudo-locale en-XA: administration, audit and customers skip no string', {
  skip: !haveChromium,
}, () => {
  let desktop: Desktop;
  let allow: string[];
  let customerId: string;
  let otherName: string;

  before(async () => {
    desktop = await startDesktop({ customers: 6 });
    const db = desktop.ctx.store.db;
    allow = await namesOnScreen(db);
    const customers = await db
      .selectFrom('customers')
      .select(['id', 'display_name'])
      .orderBy('created_at')
      .execute();
    customerId = customers[0]!.id;
    otherName = customers[1]!.display_name;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  const signIn = async (username: string): Promise<Page> => {
    const page = await signInPseudo(desktop, username);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-XA');
    return page;
  };

  test('an administrator: users, teams, directory, categories, policy and phrases, then every SLA screen', async () => {
    const page = await signIn('admin');
    await page.goto(`${desktop.url}/#/admin`);
    await page.locator('section[aria-labelledby="users-h"] tbody tr').first().waitFor();
    await page.locator('#pol-h').waitFor();
    await page.locator('#phr-h').waitFor();
    await page.locator('section[aria-labelledby="dir-h"] tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });
    // A password reset open, and a directory entry being edited.
    await page.locator('section[aria-labelledby="users-h"] tbody tr td .row button').last().click();
    await page.locator('section[aria-labelledby="users-h"] form[aria-label]').waitFor();
    await page.locator('section[aria-labelledby="dir-h"] tbody tr button.secondary').first().click();
    await page.locator('section[aria-labelledby="dir-h"] form button.secondary').waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });
    await page.screenshot({ path: `${SHOTS}/pseudo-admin.png` });

    // Service levels: each tab, each list, an editor for a stored record and for a new one.
    const sla = async (hash: string, ready: string) => {
      await page.goto(`${desktop.url}/#/admin/sla/${hash}`);
      await page.locator(ready).first().waitFor();
      await assertAllTranslated(page, 'div.sla-admin', { allow });
    };
    await sla('calendars', '.sla-list li');
    await page.locator('.sla-list li a').first().click();
    await page.locator('.sla-admin form table.hours').waitFor();
    await assertAllTranslated(page, 'div.sla-admin', { allow });
    await sla('calendars/new', '.sla-admin form table.hours');
    // A refused save: the form's problem and each field's label are words; the server's reasons are data.
    await page.locator('.sla-admin form input').first().fill('');
    await page.locator('.sla-admin form button[type="submit"]').click();
    await page.locator('#sla-form-problem').waitFor();
    await assertAllTranslated(page, 'div.sla-admin', { allow });
    await sla('policies', '.sla-list li');
    await page.locator('.sla-list li a').first().click();
    await page.locator('.sla-admin form fieldset.conditions').waitFor();
    await assertAllTranslated(page, 'div.sla-admin', { allow });
    await sla('policies/new', '.sla-admin form fieldset.conditions');
    await sla('rules', '.sla-list li');
    await page.locator('.sla-list li a').first().click();
    await page.locator('.sla-admin form fieldset.conditions').waitFor();
    await assertAllTranslated(page, 'div.sla-admin', { allow });
    await sla('rules/new', '.sla-admin form fieldset.conditions');
    await sla('settings', '.sla-admin form textarea');
    // The preview of a highly critical complaint: the policy chosen, its due times, the rules, the ones tried.
    await sla('preview', '.sla-preview form select');
    await page.locator('.sla-preview form select').nth(2).selectOption('highly_critical');
    await page.locator('.sla-preview form button[type="submit"]').click();
    await page.locator('.preview-result ol.considered li').first().waitFor();
    await assertAllTranslated(page, 'div.sla-admin', { allow });
    await page.screenshot({ path: `${SHOTS}/pseudo-sla-preview.png` });

    // A record's history on its own page.
    await page.goto(`${desktop.url}/#/admin/history/customer/${customerId}`);
    await page.locator('table.history tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });
    await page.close();
  });

  test('a supervisor: the audit trail, the 360 view, correcting particulars, adding an account, merging', async () => {
    const page = await signIn('sam');
    await page.goto(`${desktop.url}/#/admin/audit`);
    await page.locator('table.history tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });
    await page.screenshot({ path: `${SHOTS}/pseudo-audit.png` });

    await page.goto(`${desktop.url}/#/customers`);
    await page.locator('#register-customer').waitFor();
    await assertAllTranslated(page, 'main', { allow });

    await page.goto(`${desktop.url}/#/customers/${customerId}`);
    await page.locator('section.c360 #change-rule').waitFor();
    // The record's own history, unfolded.
    await page.locator('section.c360 details > summary').first().click();
    await page.locator('section.c360 details table.history tbody tr').first().waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });

    // Correct particulars, then add an account: each form in turn.
    const buttons = page.locator('section.c360 > p.row button');
    await buttons.nth(0).click();
    await page.locator('#edit-title').waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });
    await page.locator('section.c360 form.card button.secondary').click();
    await buttons.nth(1).click();
    await page.locator('#account-number').waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });
    await page.locator('section.c360 form.card button.secondary').click();

    // Merge with…: finding the other record, then what moves.
    await page.locator('#merge-with').click();
    await page.locator('#merge-title').waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });
    await page.locator('#customer-search').fill(otherName);
    await page.locator('#customer-search').press('Enter');
    await page.locator('ul.hits button.hit').filter({ hasText: otherName }).first().click();
    await page.locator('#merge-preview').waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });
    await page.screenshot({ path: `${SHOTS}/pseudo-merge.png` });
    await page.close();
  });

  test('an officer: the 360 view masked, and the keyboard shortcuts', async () => {
    const page = await signIn('olivia');
    await page.goto(`${desktop.url}/#/customers/${customerId}`);
    await page.locator('section.c360 #change-rule').waitFor();
    await assertAllTranslated(page, 'section.c360', { allow });

    await page.locator('body').press('?');
    await page.locator('dialog[aria-labelledby="shortcuts-title"]').waitFor();
    await assertAllTranslated(page, 'dialog[aria-labelledby="shortcuts-title"]', { allow });
    await page.close();
  });
});
