import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { ConsoleMessage, Request } from 'playwright-core';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

/**
 * Web chat (issue 14): a customer on another site's page, embedding the demo widget with one script
 * tag on a phone-sized screen, chats with the officer in the desktop — a template and an article
 * link from the officer; the customer's connection drops for 20 s while they type two messages,
 * which arrive in order, once each, when it returns; the transcript by e-mail at the end.
 */
describe('web chat, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  let siteUrl = '';

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    // A customer's site on another origin: its own careless CSS, the widget's one tag.
    site = await startWidgetSite(desktop, {
      head: '<style>button { background: hotpink !important; font-size: 30px !important; }</style>',
    });
    siteUrl = site.url;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  test('a whole chat: template, article link, 20 s offline with two messages kept in order, read marks, transcript', async () => {
    const officer = await desktop.signIn('olivia');
    await officer.setViewportSize({ width: 1280, height: 720 });
    // Nobody of the team at work yet: the widget offers to leave a message, which becomes an e-mail case.
    const early = await desktop.browser.newContext();
    const left = await early.newPage();
    await left.goto(siteUrl);
    await left.getByRole('button', { name: 'Chat with us' }).click();
    await left.getByText(/Nobody can chat right now/).waitFor();
    await left.getByLabel('Your name').fill('Early Bird');
    await left.getByLabel('Your e-mail').fill('early@customer.example');
    await left.getByLabel('How can we help?').fill('Please call me about my plan.');
    await left.getByRole('button', { name: 'Send message' }).click();
    const thanks = await left.getByText(/Your message is logged as/).innerText();
    const reference = /CS-\d+/.exec(thanks)?.[0];
    assert.ok(reference, thanks);
    const leftCase = await desktop.ctx.store.db
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(await desktop.services.messages.byEmail(leftCase.id), true, 'answered by e-mail');
    await early.close();
    // That case has no chat: the workspace asks once whether it has one, and the console stays clean
    // (it logged two 404s on every case without a chat), there and all through the chat below.
    const consoleErrors: string[] = [];
    const chatAsks: string[] = [];
    const onConsole = (m: ConsoleMessage) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`);
    };
    const onRequest = (r: Request) => {
      if (/\/api\/v1\/cases\/[^/]+\/chat$/.test(new URL(r.url()).pathname)) chatAsks.push(r.url());
    };
    officer.on('console', onConsole);
    officer.on('request', onRequest);
    await officer.goto(`${desktop.url}/#/cases/${leftCase.id}`);
    await officer
      .getByRole('list', { name: 'Conversation' })
      .getByText('Please call me about my plan.')
      .first()
      .waitFor();
    await officer.locator('aside.ws-context').waitFor();
    await officer.waitForTimeout(500);
    assert.deepEqual(consoleErrors, [], 'no console error on a case without a chat');
    assert.equal(chatAsks.length, 1, 'its chat asked for once');
    officer.off('request', onRequest);
    // Presence: the officer is at work, so the widget offers a chat (not "leave a message").
    await officer.getByLabel('My state').selectOption('available');
    await officer.waitForTimeout(300);
    const customerCtx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const customer = await customerCtx.newPage();
    await customer.goto(siteUrl);

    // The widget, in its shadow root, is untouched by the page's CSS.
    const launch = customer.getByRole('button', { name: 'Chat with us' });
    await launch.click();
    assert.notEqual(await launch.evaluate(() => true).catch(() => false), null);
    await customer.getByLabel('Your name').fill('Mei Ling');
    await customer.getByLabel('Your e-mail').fill('mei@customer.example');
    await customer.getByLabel('How can we help?').fill('How do I get a roaming day pass?');
    const startBtn = customer.getByRole('button', { name: 'Start chat' });
    assert.notEqual(
      await startBtn.evaluate((b) => getComputedStyle(b).fontSize),
      '30px',
      'host CSS kept out',
    );
    await startBtn.click();
    await customer.getByText(/number 1 in the queue/).waitFor();
    await assertAccessible(customer, 'the chat widget on a phone');

    // The officer sees the chat in "My chats" and opens its case.
    await officer.getByRole('button', { name: /Chats/ }).click();
    await officer.getByRole('link', { name: /Mei Ling/ }).click();
    const thread = officer.getByRole('list', { name: 'Conversation' });
    await thread.getByText('How do I get a roaming day pass?').waitFor();
    const box = officer.getByLabel('Chat message to Mei Ling');
    await box.fill('Hello Mei Ling, let me check that for you.');
    await box.press('Enter');
    await customer.getByText('Hello Mei Ling, let me check that for you.').waitFor();
    await customer.getByText(/You are chatting with Olivia Tan/).waitFor();

    // A standard phrase, then an article's link from the knowledge suggestions.
    await officer.getByLabel('Insert a standard text').selectOption({ index: 1 });
    await officer.getByRole('button', { name: 'Insert text' }).click();
    // The keyboard stays in the chat box, after the phrase (the Insert button it was on is disabled
    // again once used: the focus fell to the page).
    await officer.waitForFunction(
      () => {
        const el = document.activeElement;
        return (
          el instanceof HTMLTextAreaElement &&
          el.closest('.chat-box') !== null &&
          el.value.trim().length > 5 &&
          el.selectionStart === el.value.length
        );
      },
      undefined,
      { timeout: 5000 },
    );
    const phrase = (await box.inputValue()).trim();
    assert.ok(phrase.length > 5, 'the template filled the chat box');
    await box.press('Enter');
    await customer.getByText(phrase.split('\n')[0]!.slice(0, 30), { exact: false }).first().waitFor();
    await officer.getByLabel('Search the knowledge base').fill('roaming day pass');
    await officer.getByRole('button', { name: 'Insert link' }).first().click();
    assert.match(await box.inputValue(), /\/help\//);
    await box.press('Enter');
    await customer.getByText(/\/help\//).waitFor();

    // The customer types: the officer sees it.
    const input = customer.getByRole('textbox', { name: 'Message', exact: true });
    await input.pressSequentially('Thanks');
    await officer.getByText('Mei Ling is typing…').waitFor();
    await input.press('Enter');
    await thread.getByText('Thanks', { exact: true }).waitFor();
    // The officer has the chat open: the customer's message is marked read.
    await customer.getByText('Read').first().waitFor();

    // The connection drops for 20 s while the customer types two messages.
    await customerCtx.setOffline(true);
    await customer.getByText(/Connection lost/).waitFor();
    await input.fill('First while offline');
    await input.press('Enter');
    await input.fill('Second while offline');
    await input.press('Enter');
    await customer.getByText('Waiting to send').first().waitFor();
    await customer.waitForTimeout(20_000);
    await customerCtx.setOffline(false);
    await thread.getByText('Second while offline').waitFor({ timeout: 15_000 });
    const texts = (await thread.innerText()).split('\n');
    const a = texts.findIndex((l) => l.includes('First while offline'));
    const b = texts.findIndex((l) => l.includes('Second while offline'));
    assert.ok(a >= 0 && a < b, 'the two messages in the order typed');
    const rows = await desktop.ctx.store.db
      .selectFrom('chat_entries as e')
      .innerJoin('messages as m', 'm.id', 'e.message_id')
      .select(['e.seq', 'm.body_text'])
      .where('m.body_text', 'like', '%while offline%')
      .orderBy('e.seq')
      .execute();
    assert.deepEqual(
      rows.map((r) => r.body_text),
      ['First while offline', 'Second while offline'],
      'each once, in order',
    );
    await customer.screenshot({ path: `${SHOTS}/chat-widget-phone.png` });
    await officer.screenshot({ path: `${SHOTS}/chat-workspace-1280x720.png` });
    assert.ok(
      await officer.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the workspace fits 1280x720',
    );

    // The officer ends the chat; the customer asks for the transcript by e-mail.
    await officer.getByRole('button', { name: 'End chat' }).click();
    await customer.getByText('This chat has ended.').waitFor();
    await customer.getByRole('button', { name: 'E-mail me the transcript' }).click();
    await customer.getByText(/transcript is on its way/).waitFor();
    const mail = await desktop.ctx.store.db
      .selectFrom('messages')
      .select(['body_text', 'to_addresses'])
      .where('kind', '=', 'transcript')
      .executeTakeFirstOrThrow();
    assert.match(mail.body_text, /Mei Ling: First while offline\n.*Mei Ling: Second while offline/);
    // No read mark was sent while the chat waited for its first answer (nobody's reading counts yet).
    assert.deepEqual(consoleErrors, [], 'no console error in the officer’s desktop');
    await customerCtx.close();
    await officer.close();
  });

  test('an administrator adds a widget: the secret once, the embed code; officers cannot open the screen', async () => {
    const admin = await desktop.signIn('admin');
    await admin.setViewportSize({ width: 1280, height: 720 });
    await admin.goto(`${desktop.url}/#/admin`);
    await admin.getByRole('link', { name: 'Chat widgets' }).click();
    await admin.getByRole('link', { name: 'New widget' }).click();
    await admin.getByLabel('Name').fill('Shop chat');
    await admin.getByLabel('Team (where its chats queue)').selectOption({ label: 'Hotline Team A' });
    await admin
      .getByLabel('Sites allowed to embed it')
      .fill('https://shop.example\nhttps://www.shop.example');
    await admin.getByRole('button', { name: 'Create widget' }).click();
    const secret = admin.getByRole('region', { name: /Identity secret/ });
    await secret.getByText(/^fws_/).waitFor();
    assert.match(await secret.innerText(), /data-frontline-widget="[0-9a-f-]{36}"/);
    await admin.getByText('https://shop.example, https://www.shop.example').waitFor();
    await assertAccessible(admin, 'chat widgets screen');
    // Gone on leaving the page: the list shows the embed code, never the secret.
    await admin.reload();
    await admin.getByText('Shop chat').waitFor();
    assert.doesNotMatch(await admin.locator('main').innerText(), /fws_/);
    await admin.close();
    // Every word of the screen from the catalogue (en-XA).
    const xa = await signInPseudo(desktop, 'admin');
    await xa.goto(`${desktop.url}/?lang=en-XA#/admin/chat`);
    await xa.locator('.chat-admin li').first().waitFor();
    await assertAllTranslated(xa, 'div.chat-admin', { allow: await namesOnScreen(desktop.ctx.store.db) });
    await xa.close();
    const officer = await desktop.signIn('olivia');
    await officer.goto(`${desktop.url}/#/admin/chat`);
    await officer.waitForTimeout(300);
    assert.equal(await officer.getByRole('heading', { name: 'Chat widgets' }).count(), 0);
    await officer.close();
  });
});
