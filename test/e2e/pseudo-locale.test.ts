import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ERRORS } from '../../src/server/platform/errors.ts';
import { en } from '../../src/web/i18n/en.ts';
import { pseudoString } from '../../src/web/i18n/pseudo.ts';
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
  let closedRef: string;

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
    // An earlier case of the same customer, closed: merging into it is refused (409).
    const earlier = await s.contacts.create(actor('tom'), {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    const closed = await s.cases.create(actor('tom'), {
      contactId: earlier.id,
      type: 'complaint',
      subject: 'Bill sent to the old address',
    });
    await s.contacts.update(actor('tom'), earlier.id, { end: true });
    await s.cases.transition(actor('tom'), closed.id, {
      action: 'resolve',
      resolutionSummary: 'Address updated.',
    });
    await s.cases.transition(actor('tom'), closed.id, { action: 'close' });
    closedRef = closed.reference;
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

  /** What an element says outside `[data-i18n-skip]`: the words, not the data. */
  const wordsIn = (el: Locator) =>
    el.evaluate((node) => {
      const copy = node.cloneNode(true) as Element;
      for (const data of copy.querySelectorAll('[data-i18n-skip]')) data.remove();
      return copy.textContent ?? '';
    });

  test('problems the server sends — a refused sign-in, a field refused, a 409 — are said in the catalogue’s words', async () => {
    // 401: the code's words, not the server's English title.
    const login = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await login.goto(`${desktop.url}/?lang=en-XA`);
    await login.locator('input[name="username"]').fill('nobody-at-all');
    await login.locator('input[name="password"]').fill('not the password');
    await login.locator('button[type="submit"]').click();
    const refused = login.locator('main.login [role="alert"]');
    await refused.waitFor();
    const refusedWords = await wordsIn(refused);
    assert.ok(
      refusedWords.includes(pseudoString(en.problem.auth.invalid_credentials)),
      `the refusal in the catalogue's words: ${refusedWords}`,
    );
    assert.doesNotMatch(await refused.innerText(), new RegExp(ERRORS['auth.invalid_credentials'].title));
    await assertAllTranslated(login, 'main.login', { allow });
    await login.close();

    const page = await signInPseudo(desktop, 'olivia');
    await page.goto(`${desktop.url}/#/cases/${caseId}`);
    await page.getByTestId('case-status').waitFor();

    // 400 with a field error: a transfer with no department. The rule's words, beside the field.
    const refer = page.locator('details.refer', { has: page.locator('fieldset') });
    await refer.locator('summary').click();
    await refer.locator('fieldset input:not([type])').fill('Billing handles refunds');
    await refer.locator('fieldset button[type="button"]').click();
    const department = refer.locator('span.error');
    await department.waitFor();
    const departmentWords = await wordsIn(department);
    assert.ok(
      departmentWords.includes(pseudoString(en.fieldRule.requiredForTransfer)),
      `the field's problem in the catalogue's words: ${departmentWords}`,
    );
    assert.doesNotMatch(await department.innerText(), /is required for a transfer/);
    await assertAllTranslated(page, 'div.ws', { allow, skip: NOT_YET });

    // 409: merging into a closed case. The code's words, then the field's rule; the field's name is data.
    const merge = page.locator('details.refer', { has: page.locator('input[placeholder="CS-000123"]') });
    await merge.locator('summary').click();
    await merge.locator('input[placeholder="CS-000123"]').fill(closedRef);
    await merge.locator('button[type="submit"]').click();
    await merge.getByTestId('merge-found').waitFor();
    await merge.locator('button.small:not(.secondary)').click();
    const conflict = merge.locator('[role="alert"]');
    await conflict.waitFor();
    const conflictWords = await wordsIn(conflict);
    for (const words of [en.problem.case.merge_invalid, en.fieldRule.caseClosed])
      assert.ok(
        conflictWords.includes(pseudoString(words)),
        `"${words}" in the catalogue's words: ${conflictWords}`,
      );
    assert.doesNotMatch(
      await conflict.innerText(),
      new RegExp(`${ERRORS['case.merge_invalid'].title}|is closed`),
    );
    await assertAllTranslated(page, 'div.ws', { allow, skip: NOT_YET });
    await page.screenshot({ path: `${SHOTS}/pseudo-problems.png` });
    await page.close();
  });
});
