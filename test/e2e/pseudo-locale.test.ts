import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';
import {
  assertAllTranslated,
  demoActors,
  namesOnScreen,
  signInPseudo,
  untranslated,
} from '../helpers/pseudo.ts';

/**
 * Issue 12.8, translation-ready: under the pseudo-locale `en-XA` every string of the converted
 * screens (sign-in, the shell, the queues, the case workspace) comes from the catalogue — shown
 * inside ⟦…⟧ — and the longer strings still fit 1280×720. Components of features not converted yet
 * are listed in NOT_YET and left out; docs/i18n.md lists them too.
 */
const NOT_YET: string[] = [];

describe('pseudo-locale en-XA: no string skips the catalogue', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let allow: string[];
  let caseId: string;

  before(async () => {
    desktop = await startDesktop({ customers: 6 });
    const db = desktop.ctx.store.db;
    allow = await namesOnScreen(db);
    const actor = await demoActors(db);
    const customer = await db
      .selectFrom('customers')
      .select('id')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const s = desktop.services;
    const contact = await s.contacts.create(actor('tom'), {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    const c = await s.cases.create(actor('tom'), {
      contactId: contact.id,
      type: 'complaint',
      subject: 'Charged twice for October',
      description: 'The customer was charged twice.',
    });
    await s.contacts.update(actor('tom'), contact.id, { end: true });
    await s.cases.addNote(actor('lena'), c.id, { visibility: 'internal', body: 'Ledger shows two debits.' });
    await s.cases.update(actor('tom'), c.id, { assigneeId: actor('olivia').userId }, c.version);
    // A promise to call back, on the case and on Olivia's Follow-ups.
    await s.commitments.create(actor('olivia'), c.id, {
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      method: 'call',
      note: 'Call after the refund.',
    });
    caseId = c.id;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  const fits = async (page: Page, what: string) => {
    const m = await page.evaluate(() => ({
      sh: document.documentElement.scrollHeight,
      ch: document.documentElement.clientHeight,
      sw: document.documentElement.scrollWidth,
      cw: document.documentElement.clientWidth,
    }));
    assert.ok(m.sh <= m.ch, `${what}: the page scrolls down (${m.sh} > ${m.ch})`);
    assert.ok(m.sw <= m.cw, `${what}: the page scrolls sideways (${m.sw} > ${m.cw})`);
  };

  test('sign-in, shell, queues and the case workspace: every string from the catalogue, fitting 1280×720', async () => {
    const page = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${desktop.url}/?lang=en-XA`);
    await page.locator('form[aria-labelledby="login-title"]').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-XA');
    await assertAllTranslated(page, 'main.login', { allow });
    await fits(page, 'sign-in');

    await page.locator('input[name="username"]').fill('olivia');
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.locator('header.topbar').waitFor();
    await assertAllTranslated(page, 'header.topbar', { allow, skip: NOT_YET });

    // The choice outlives the address: a reload without ?lang= stays in the pseudo-locale.
    await page.goto(`${desktop.url}/#/cases`);
    await page.locator('tr[data-case]').first().waitFor();
    await assertAllTranslated(page, 'div.queues', { allow, skip: NOT_YET });
    await fits(page, 'queues');
    const queue = await page
      .locator('.queue-scroll')
      .evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
    assert.ok(queue.sw <= queue.cw, `every column of the queue is in sight (${queue.sw} > ${queue.cw})`);
    // The check is not vacuous: English put on the screen outside the catalogue is caught.
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.id = 'plain-english';
      p.textContent = 'Plain English';
      document.querySelector('div.queues')?.append(p);
    });
    assert.deepEqual(
      (await untranslated(page, '#plain-english')).map((u) => u.text),
      ['Plain English'],
      'English outside the catalogue is found',
    );
    await page.evaluate(() => document.getElementById('plain-english')?.remove());
    await page.screenshot({ path: `${SHOTS}/pseudo-queues.png` });

    await page.goto(`${desktop.url}/#/cases/${caseId}`);
    await page.getByTestId('case-status').waitFor();
    await page.locator('section.case-sla').waitFor();
    await assertAllTranslated(page, 'div.ws', { allow, skip: NOT_YET });
    await fits(page, 'case workspace');
    await page.screenshot({ path: `${SHOTS}/pseudo-workspace.png` });

    // The case's History tab: the columns, the actions in words, who and when.
    await page.locator('div.ws [role="tab"]').nth(1).click();
    await page.locator('section.history-panel table tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.ws', { allow, skip: NOT_YET });

    // The bell's list, opened.
    await page.locator('.bell > button').click();
    await page.locator('#notification-list').waitFor();
    await assertAllTranslated(page, '.bell', { allow, skip: NOT_YET });
    await page.keyboard.press('Escape');

    await page.goto(`${desktop.url}/#/followups`);
    await page.locator('ul.commitments li').first().waitFor();
    await assertAllTranslated(page, 'main', { allow, skip: NOT_YET });

    // The search results: counts, filters, the case's line (its subject and snippet are data).
    await page.goto(`${desktop.url}/#/search?q=Charged`);
    await page.locator('.search-results ol li').first().waitFor();
    await assertAllTranslated(page, 'div.search-page', { allow, skip: NOT_YET });

    // The contact screen before a call: the checklist and Answer call.
    await page.goto(`${desktop.url}/#/contact`);
    await page.locator('#answer-call').waitFor();
    await assertAllTranslated(page, 'div.flow', { allow, skip: NOT_YET });
    await fits(page, 'contact screen');

    // During a call (no customer found yet): find, the script panel, the enquiry and its outcome,
    // suggestions, wrap-up, the registration form for an unknown caller; then ended.
    await page.locator('#answer-call').click();
    await page.locator('#customer-search').waitFor();
    await page.locator('section.script-panel').waitFor();
    await assertAllTranslated(page, 'div.flow', { allow, skip: NOT_YET });
    // An unknown caller: the registration form.
    await page
      .locator('#customer-search')
      .locator('xpath=ancestor::form')
      .locator('button.secondary')
      .click();
    await page.locator('#register-customer').click();
    await page.locator('form.register').waitFor();
    await assertAllTranslated(page, 'div.flow', { allow, skip: NOT_YET });
    await page.locator('#end-contact').click();
    await page.locator('.flow p[role="status"]').waitFor();
    await assertAllTranslated(page, 'div.flow', { allow, skip: NOT_YET });
    await page.close();
  });

  test('a team leader: the wider navigation and Due soon, every string from the catalogue', async () => {
    const page = await signInPseudo(desktop, 'lena');
    await assertAllTranslated(page, 'header.topbar', { allow, skip: NOT_YET });
    await fits(page, 'team leader start page');
    await page.goto(`${desktop.url}/#/at-risk`);
    await page.locator('main section h1').waitFor();
    await page.locator('main section p').last().waitFor();
    await assertAllTranslated(page, 'main', { allow, skip: NOT_YET });
    await fits(page, 'due soon');
    await page.close();
  });
});
