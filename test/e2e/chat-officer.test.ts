import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The officer's side of web chat (issue 14, points 4 and 6), as a newcomer meets it: customers on the
 * demo centre's own page, /demo/widget, chat with the officer signed in — two at once. What the
 * customer said first about themselves leads the context pane (language, particular needs); each
 * chat's unread count is in the top bar and the queue, and a new message flashes it, tells screen
 * readers and chimes when the officer asked for sound; an internal note is written beside a live
 * chat and never reaches the customer; the officer's typing shows in the widget.
 */
describe('the officer with several chats, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  /** Console errors of the customers' pages (a 404 on the demo page is one a newcomer would see). */
  const consoleErrors: string[] = [];

  before(async () => {
    // 70: the first customer on record with a particular need is the 55th the demo makes.
    desktop = await startDesktop({ customers: 70 });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  async function visitor(name: string, email: string, question: string, language: string): Promise<Page> {
    const ctx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${name}: ${m.text()} ${m.location().url}`);
    });
    await page.goto(`${desktop.url}/demo/widget`);
    await page.getByRole('heading', { name: 'Example Telco help centre' }).waitFor();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Your e-mail').fill(email);
    await page.getByLabel('How can we help?').fill(question);
    await page.getByLabel('Preferred language').selectOption(language);
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText(/in the queue/).waitFor();
    return page;
  }

  test('two chats at once from /demo/widget: language and needs first, unread counts with flash and chime, an internal note', async () => {
    // A customer on record with a particular need and an e-mail address, who will chat in English.
    const known = (
      await desktop.ctx.store.db
        .selectFrom('customers')
        .select(['id', 'display_name', 'emails', 'particular_needs'])
        .orderBy('created_at')
        .execute()
    )
      .map((c) => ({
        id: c.id,
        name: c.display_name,
        email: parseJson<string[]>(c.emails, [])[0],
        need: parseJson<{ detail: string }[]>(c.particular_needs, [])[0],
      }))
      .find((c) => c.email && c.need);
    assert.ok(
      known?.email && known.need,
      'the demo centre has a customer with a particular need and an e-mail',
    );
    // Their record says Malay; they will chat in English: the chat's language leads, the record's follows.
    await desktop.ctx.store.db
      .updateTable('customers')
      .set({ preferred_language: 'ms' })
      .where('id', '=', known.id)
      .execute();

    const officer = await desktop.signIn('olivia');
    await officer.setViewportSize({ width: 1280, height: 720 });
    // No audio in a headless browser: count the chimes the desktop starts instead.
    await officer.addInitScript(() => {
      const w = window as unknown as { AudioContext: unknown; chimes: number };
      w.chimes = 0;
      w.AudioContext = function NoAudio() {
        w.chimes++;
        throw new Error('no audio here');
      };
    });
    await officer.reload();
    await officer.getByLabel('My state').selectOption('available');
    await officer.waitForTimeout(300);

    // A new customer writes in Chinese, which Olivia speaks: offered to her, she accepts.
    const wei = await visitor('Wei Jie', 'wei.jie@customer.example', '我的账单有问题', '中文');
    await officer.getByRole('button', { name: 'Accept' }).click();
    const thread = officer.getByRole('list', { name: 'Conversation' });
    await thread.getByText('我的账单有问题').waitFor();
    // The language the customer chose is the first thing said about them, in the reader's words
    // and in theirs; the record (made from this chat) says the same, so it is not said twice.
    const context = officer.locator('aside.ws-context');
    await context.getByText('Chat in: Chinese (中文)').waitFor();
    assert.equal(await context.getByTestId('chat-language').innerText(), 'Chinese');
    assert.equal(await context.getByTestId('customer-language').count(), 0);
    // The chat box names it too, by name (Intl), as the context pane does.
    await officer.getByText('Language: Chinese').waitFor();
    const box = officer.getByLabel('Chat message to Wei Jie');
    await box.fill('Hello Wei Jie, I am looking at your bill.');
    // Typing shows both ways: the officer's reaches the widget (the accepted chat is hers: named).
    await wei.getByText(/^Olivia\b.* is typing…$/).waitFor();
    await box.press('Enter');
    await wei.getByText('Hello Wei Jie, I am looking at your bill.').waitFor();

    // The customer on record chats too: a second chat at once, their particular need above all else.
    const knownPage = await visitor(known.name, known.email, 'Can I get my bill by e-mail?', 'English');
    await officer.getByRole('button', { name: 'Accept' }).click();
    await thread.getByText('Can I get my bill by e-mail?').waitFor();
    const needs = context.getByRole('list', { name: 'Particular needs' });
    await needs.getByText(known.need.detail, { exact: false }).waitFor();
    // The chat's own language first ('Language: English' in the chat box), the record's after it.
    await context.getByText('Chat in: English · Speaks Malay').waitFor();
    const order = await context.evaluate((aside) => {
      const all = [
        ...aside.querySelectorAll(
          'ul.needs, [data-testid="chat-language"], [data-testid="customer-language"], [data-testid="verification"]',
        ),
      ];
      return all.map((e) => (e.matches('ul.needs') ? 'needs' : e.getAttribute('data-testid')));
    });
    assert.deepEqual(
      order,
      ['needs', 'chat-language', 'customer-language', 'verification'],
      'needs, then the chat’s language, then the record’s, first',
    );
    await officer.screenshot({ path: `${SHOTS}/chat-officer-needs-1280x720.png` });

    // An internal note beside the live chat: staff only, never in the widget.
    await officer.getByRole('button', { name: 'Internal note instead' }).click();
    assert.equal(await officer.getByRole('radio', { name: 'Internal note' }).isChecked(), true);
    await assertAccessible(officer, 'the workspace writing a note beside a live chat');
    await officer.getByLabel('Note (staff only)').fill('Prefers everything in writing.');
    await officer.getByRole('button', { name: 'Add note' }).click();
    await thread.getByText('Prefers everything in writing.').waitFor();
    await officer.getByRole('button', { name: 'Back to the chat' }).click();
    await officer.getByLabel(`Chat message to ${known.name}`).waitFor();

    // Sound on, then away from both chats: Wei Jie writes twice.
    const chats = officer.getByRole('button', { name: /^Chats/ });
    await chats.click();
    await officer.getByLabel('Sound on a new chat message').check();
    await chats.click();
    await officer.getByRole('link', { name: 'Queues' }).click();
    await officer.getByRole('radio', { name: 'My cases' }).check();
    const input = wei.getByRole('textbox', { name: 'Message', exact: true });
    await input.fill('It shows two charges.');
    await input.press('Enter');
    await input.fill('Both on 3 December.');
    await input.press('Enter');
    await chats.getByText('2 unread').waitFor();
    // The cue: the count flashes and screen readers hear it; the chime was asked for, so it sounded.
    assert.match((await chats.getAttribute('class')) ?? '', /\bflash\b/);
    await officer.getByRole('status').filter({ hasText: 'New chat message' }).waitFor({ state: 'attached' });
    assert.ok((await officer.evaluate(() => (window as unknown as { chimes: number }).chimes)) >= 1);
    // The same count beside the case in the queue.
    const row = officer.locator('tr', { hasText: 'Wei Jie' });
    await row.getByText('2 unread').waitFor();
    await officer.screenshot({ path: `${SHOTS}/chat-officer-unread-1280x720.png` });

    // Both chats in the list, each with its own count; opening one reads it.
    await chats.click();
    const list = officer.locator('#my-chats-list');
    await list.getByRole('link', { name: /Wei Jie/ }).waitFor();
    await list.getByRole('link', { name: new RegExp(known.name) }).waitFor();
    assert.match(await list.locator('li', { hasText: 'Wei Jie' }).innerText(), /2 unread/);
    assert.doesNotMatch(await list.locator('li', { hasText: known.name }).innerText(), /unread/);
    await assertAccessible(officer, 'my chats, two at once');
    await list.getByRole('link', { name: /Wei Jie/ }).click();
    await thread.getByText('Both on 3 December.').waitFor();
    await chats.getByText(/unread/).waitFor({ state: 'detached' });
    assert.ok(
      await officer.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the workspace fits 1280x720',
    );

    // The note never reached the customer.
    await knownPage.waitForTimeout(500);
    assert.equal(await knownPage.getByText('Prefers everything in writing.').count(), 0);
    assert.deepEqual(consoleErrors, [], 'no console error on the demo page');
    await wei.context().close();
    await knownPage.context().close();
    await officer.close();
  });
});
