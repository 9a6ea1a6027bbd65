import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import {
  assertAllTranslated,
  demoActors,
  namesOnScreen,
  signInPseudo,
  untranslated,
} from '../helpers/pseudo.ts';

/**
 * Issue 12.8, translation-ready, for the knowledge base, the templates & scripts editors and the
 * public help pages: under the pseudo-locale `en-XA` every string they show comes from a catalogue
 * (the desktop's en-knowledge.ts, the server's help-messages.ts) — shown inside ⟦…⟧ — while
 * titles, bodies, names and the server's messages are data. The English help pages read as before.
 */
describe('pseudo-locale en-XA: knowledge, scripts and help pages', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let allow: string[];
  let articleId: string;
  let solutionId: string;
  let rejectedId: string;

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    const db = desktop.ctx.store.db;
    allow = await namesOnScreen(db);
    const actor = await demoActors(db);
    const s = desktop.services;
    // An article published (v1), then a second version in review with a changed kind, a review
    // date and a file waiting for approval: the view shows the draft, the versions and their diff.
    const a = await s.knowledge.create(actor('olivia'), {
      title: 'Roaming add-on for cruise ships',
      body: 'Ships at sea use **satellite roaming**, charged per minute.',
      kind: 'faq',
      audience: 'public',
      tags: ['roaming', 'cruise'],
    });
    await s.knowledge.submit(actor('olivia'), a.id);
    await s.knowledge.approve(actor('sam'), a.id, 'Good');
    await s.knowledge.editDraft(actor('olivia'), a.id, {
      body: 'Ships at sea use **satellite roaming**, charged per minute; the day pass does not apply.',
      kind: 'billing',
      changeNote: 'Say the day pass does not apply',
      reviewAt: '2099-01-31',
    });
    await s.knowledge.addAttachment(actor('olivia'), a.id, {
      filename: 'cruise-rates.txt',
      contentType: 'text/plain',
      dataBase64: Buffer.from('Satellite rates per minute').toString('base64'),
    });
    await s.knowledge.submit(actor('olivia'), a.id);
    articleId = a.id;
    // A new article waiting for review (the review queue), and one sent back with a note.
    const b = await s.knowledge.create(actor('olivia'), {
      title: 'Satellite calls from aircraft',
      body: 'In-flight calls are charged as satellite roaming.',
      kind: 'policy',
      audience: 'internal',
      tags: [],
    });
    await s.knowledge.submit(actor('olivia'), b.id);
    const c = await s.knowledge.create(actor('olivia'), {
      title: 'Ferry roaming',
      body: 'Ferries in port use the land network.',
      kind: 'troubleshooting',
      audience: 'internal',
      tags: [],
    });
    await s.knowledge.submit(actor('olivia'), c.id);
    await s.knowledge.reject(actor('lena'), c.id, 'Name the ports');
    rejectedId = c.id;
    // Sent to Olivia's team to read: her To read list and Lena's Sent for reading.
    const team = await db
      .selectFrom('teams')
      .select('id')
      .where('name', '=', 'Hotline Team A')
      .executeTakeFirstOrThrow();
    await s.disseminations.create(actor('lena'), a.id, {
      teamIds: [team.id],
      acknowledgeWithinDays: 3,
      note: 'Read before the holidays.',
    });
    // A proposed solution with a comment.
    const sol = await s.solutions.propose(actor('olivia'), {
      problem: 'Cruise passengers are charged satellite rates',
      solution: 'Explain the satellite rates and offer the **cruise bundle**.',
    });
    await s.solutions.comment(actor('lena'), sol.id, 'Agreed with Billing.');
    solutionId = sol.id;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  const signIn = (username: string): Promise<Page> => signInPseudo(desktop, username);

  test('an officer: knowledge search, results, the editor, To read and solutions', async () => {
    const page = await signIn('olivia');
    await page.goto(`${desktop.url}/#/kb`);
    await page.locator('div.kb section table tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.locator('div.kb input[type="search"]').fill('cruise');
    await page.locator('ol.kb-hits li').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    // A new article: the editor, its preview, the note about attachments.
    await page.goto(`${desktop.url}/#/kb/new`);
    await page.locator('section.kb-editor textarea').first().fill('A *preview* of the body.');
    await page.locator('section.kb-editor .row button.secondary').click();
    await page.locator('section.kb-editor section.card em').waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    // Her article sent back: the draft with the reviewer's note.
    await page.goto(`${desktop.url}/#/kb/${rejectedId}`);
    await page.locator('article.kb-article section.card p.warn').waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/reading`);
    await page.locator('ul.kb-list li').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/solutions`);
    await page.locator('ul.kb-list li').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });
    await page.goto(`${desktop.url}/#/kb/solutions/new`);
    await page.locator('div.kb section textarea').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });
    await page.close();
  });

  test('a team leader: the article with its draft in review, versions and diff, sending it, the editor with files, review, sent and a solution to decide', async () => {
    const page = await signIn('lena');
    await page.goto(`${desktop.url}/#/kb/${articleId}`);
    await page.getByTestId('article-status').waitFor();
    await page.locator('article.kb-article details summary').click();
    await page.locator('article.kb-article details fieldset fieldset label').first().waitFor();
    await page.locator('section.kb-attachments li').first().waitFor();
    await page.locator('article.kb-article table button.link').click();
    await page.locator('section.kb-diff p').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/${articleId}/edit`);
    await page.locator('section.kb-editor section.kb-attachments li').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/review`);
    await page.locator('div.kb table tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/sent`);
    await page.getByTestId('ack-count').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });

    await page.goto(`${desktop.url}/#/kb/solutions/${solutionId}`);
    await page.getByTestId('solution-status').waitFor();
    await page.locator('ol.timeline li').first().waitFor();
    await page.locator('section.card fieldset label').first().waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });
    await page.close();
  });

  test('a supervisor: the synonyms editor', async () => {
    const page = await signIn('sam');
    await page.goto(`${desktop.url}/#/kb/synonyms`);
    await page.locator('section.kb-synonyms textarea').waitFor();
    await assertAllTranslated(page, 'div.kb', { allow });
    await page.close();
  });

  test('a team leader: templates & scripts, the template editor with a placeholder problem, a call script with its steps and choices', async () => {
    const page = await signIn('lena');
    await page.goto(`${desktop.url}/#/scripts`);
    const [templates, scripts] = [
      page.locator('div.admin > section').nth(0),
      page.locator('div.admin > section').nth(1),
    ];
    await templates.locator('tbody tr').first().waitFor();
    await scripts.locator('tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });

    // An e-mail template (the subject shows) with an unknown variable (the placeholder check shows).
    await templates.locator('form select').first().selectOption('email');
    await templates.locator('form textarea').fill('Dear {{customer.nickname}}');
    await templates.locator('form p.warn').waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });

    // A new call script: two steps, the first branching into choices.
    await scripts.locator('p.row button').click();
    await scripts.locator('fieldset.step-editor').first().waitFor();
    await scripts.locator('form > .row button.secondary').first().click();
    await scripts
      .locator('fieldset.step-editor')
      .first()
      .locator('select:has(option[value="choices"])')
      .selectOption('choices');
    await scripts.locator('fieldset.step-editor').first().locator('input').nth(2).waitFor();
    await assertAllTranslated(page, 'div.admin', { allow });
    await page.close();
  });

  test('the help pages under ?lang=en-XA and Accept-Language: en-XA; English as before', async () => {
    const page = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
    const checkHelp = async (what: string) => {
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en-XA', `${what}: <html lang>`);
      const title = await page.title();
      assert.match(title, /^⟦.*⟧$/, `${what}: the title (${title})`);
      await assertAllTranslated(page, 'body');
    };
    await page.goto(`${desktop.url}/help?lang=en-XA`);
    await page.locator('main ol li').first().waitFor();
    await checkHelp('index');
    // The language carries on: into an article, and through the search form.
    await page.locator('main ol li a').first().click();
    await page.locator('article h1').waitFor();
    await checkHelp('article');
    await page.locator('input[name="q"]').fill('roaming');
    await page.locator('button[type="submit"]').click();
    await page.locator('main ol li').first().waitFor();
    await checkHelp('results');
    await page.goto(`${desktop.url}/help?lang=en-XA&q=romaing`);
    await page.locator('main p strong').waitFor();
    await checkHelp('corrected results');
    await page.goto(`${desktop.url}/help?lang=en-XA&q=zzqqxx`);
    await checkHelp('no results');
    await page.goto(`${desktop.url}/help/no-such-article?lang=en-XA`);
    await checkHelp('not found');
    await page.close();

    const asked = await desktop.browser.newPage({
      extraHTTPHeaders: { 'accept-language': 'en-XA, en;q=0.5' },
    });
    await asked.goto(`${desktop.url}/help/roaming-add-on-for-cruise-ships`);
    assert.equal(await asked.evaluate(() => document.documentElement.lang), 'en-XA');
    await assertAllTranslated(asked, 'body');
    await asked.close();

    // English, asked for or not (French falls back to it): the words as they always were.
    for (const headers of [{}, { 'accept-language': 'fr-FR, fr;q=0.9' }] as Record<string, string>[]) {
      const home = await fetch(`${desktop.url}/help`, { headers });
      const html = await home.text();
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<title>Help centre · Help<\/title>/);
      assert.match(html, /<a href="\/help">Help centre<\/a>/);
      assert.match(html, /placeholder="Search help, e.g. roaming charges" aria-label="Search help">/);
      assert.match(html, /<button type="submit">Search<\/button>/);
      assert.match(html, /<h1>How can we help\?<\/h1>/);
      assert.match(html, /<span class="kind">FAQ<\/span>/);
    }
    const results = await (await fetch(`${desktop.url}/help?q=zzqqxx`)).text();
    assert.match(results, /<title>Search: zzqqxx · Help<\/title>/);
    assert.match(results, /<p>No article matches\. Try other words, or contact us\.<\/p>/);
    const missing = await fetch(`${desktop.url}/help/no-such-article`);
    assert.equal(missing.status, 404);
    assert.match(
      await missing.text(),
      /<h1>Article not found<\/h1><p>It may have moved\. Try searching\.<\/p>/,
    );

    // The check is not vacuous: the English page's words are all found outside the catalogue.
    const english = await desktop.browser.newPage();
    await english.goto(`${desktop.url}/help`);
    const found = (await untranslated(english, 'body')).map((u) => u.text);
    for (const words of ['Help centre', 'How can we help?', 'Search'])
      assert.ok(found.includes(words), words);
    await english.close();
  });
});
