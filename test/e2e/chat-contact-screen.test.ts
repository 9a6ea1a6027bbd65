import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The contact screen on a chat (a walk-through, shot 79): Olivia took Aminah's chat, opened Contact
 * and pressed "End contact" — "Contact ended after 244 s. Answer next call", after-contact work,
 * while the widget still said "You are chatting with Olivia Tan." with Send enabled; the screen had
 * greeted the chat "Thank you for calling…" and showed the customer's language as "ms". Now the
 * screen speaks of a contact, not a call, names the language, and ending the chat's contact ends
 * the chat; a chat the customer ends shows ended on the screen without a reload.
 */
describe('the contact screen on a chat, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let olivia: Page;
  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    const id = (
      await desktop.ctx.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'olivia')
        .executeTakeFirstOrThrow()
    ).id;
    // Olivia speaks Malay here, so the Malay chat is offered to her at once.
    await desktop.services.routingAdmin.putProfile(SYSTEM_ACTOR, id, {
      languages: ['en', 'zh', 'ms'],
      skills: [],
      capacity: { email: 1, chat: 3, sms: 2 },
    });
    olivia = await desktop.signIn('olivia');
    await olivia.setViewportSize({ width: 1280, height: 720 });
    await olivia.getByLabel('My state').selectOption('available');
    await olivia.waitForTimeout(300);
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** A visitor starts a chat in Malay; Olivia accepts it and opens the contact screen. */
  async function chatTaken(email: string) {
    const customerCtx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const customer = await customerCtx.newPage();
    await customer.goto(`${desktop.url}/demo/widget`);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name').fill('Aminah Second');
    await customer.getByLabel('Your e-mail').fill(email);
    await customer.getByLabel('How can we help?').fill('Saya perlukan bantuan dengan bil saya.');
    await customer.getByLabel('Preferred language').selectOption('Bahasa Melayu');
    await customer.getByRole('button', { name: 'Start chat' }).click();
    await customer.getByText(/number 1 in the queue/).waitFor();
    await olivia.getByRole('button', { name: 'Accept', exact: true }).click();
    await olivia.waitForURL(/#\/cases\//);
    await olivia.locator('.chat-status', { hasText: 'Chatting with Aminah Second' }).waitFor();
    await customer.getByText('You are chatting with Olivia Tan.').waitFor();
    return { customer, customerCtx };
  }

  test('a chat’s contact: contact wording, the language by name, and ending it ends the chat', async () => {
    const { customer, customerCtx } = await chatTaken('aminah.second@customer.example');
    // The chat box names the language the visitor chose, in the reader's words.
    assert.equal(await olivia.getByTestId('chat-box-language').innerText(), 'Language: Malay');

    await olivia.getByRole('link', { name: 'Contact', exact: true }).click();
    await olivia.getByRole('heading', { level: 1, name: 'Contact' }).waitFor();
    await olivia
      .getByText('“Thank you for contacting us. This is Olivia Tan. How may I help you?”')
      .waitFor();
    await olivia.getByText('“Thank you for contacting us. Have a good day.”').waitFor();
    await olivia.getByRole('heading', { name: 'Contact checklist' }).waitFor();
    const card = olivia.getByRole('region', { name: 'Customer' });
    await card.getByText('Aminah Second').waitFor();
    assert.equal(await card.locator('dt:has-text("Language") + dd').innerText(), 'Malay');
    await olivia.getByText(/^Ask the customer and type what they answer\./).waitFor();
    const words = await olivia.locator('main').innerText();
    assert.doesNotMatch(words, /calling|caller|Answer next call|Call script/i, 'no call wording on a chat');
    await olivia.getByRole('region', { name: 'Script', exact: true }).waitFor();
    await assertAccessible(olivia, 'the contact screen on a chat');
    await olivia.screenshot({ path: `${SHOTS}/chat-contact-screen-1280x720.png` });

    await olivia.getByRole('button', { name: 'End chat and contact' }).click();
    await olivia
      .getByRole('status')
      .filter({ hasText: /^The chat and its contact ended after .+; the customer was told\./ })
      .waitFor();
    // The next one is whatever comes: a call is answered with "Answer call", not "next call".
    await olivia.getByRole('button', { name: 'Answer call', exact: true }).waitFor();
    // The customer is told at once, and can no longer write.
    await customer.getByText('This chat has ended.').waitFor();
    assert.equal(await customer.getByText(/You are chatting with/).count(), 0);
    const conv = await desktop.ctx.store.db
      .selectFrom('chat_conversations')
      .select(['status', 'case_id'])
      .where('visitor_email', '=', 'aminah.second@customer.example')
      .executeTakeFirstOrThrow();
    assert.equal(conv.status, 'ended');
    const ended = await desktop.ctx.store.db
      .selectFrom('case_events as e')
      .innerJoin('users as u', 'u.id', 'e.actor_id')
      .select(['u.username', 'e.data'])
      .where('e.case_id', '=', conv.case_id)
      .where('e.kind', '=', 'chat.ended')
      .executeTakeFirstOrThrow();
    assert.equal(ended.username, 'olivia', 'ended by the officer');
    await olivia.screenshot({ path: `${SHOTS}/chat-contact-screen-ended-1280x720.png` });
    await customerCtx.close();
  });

  test('the customer ends the chat while the contact screen is open: it shows ended without a reload', async () => {
    await olivia.getByLabel('My state').selectOption('available');
    await olivia.waitForTimeout(300);
    const { customer, customerCtx } = await chatTaken('aminah.again@customer.example');
    await olivia.getByRole('link', { name: 'Contact', exact: true }).click();
    await olivia.getByRole('button', { name: 'End chat and contact' }).waitFor();
    await customer.getByRole('button', { name: 'End chat' }).click();
    await olivia
      .getByRole('status')
      .filter({ hasText: /^The chat and its contact ended after/ })
      .waitFor();
    assert.equal(await olivia.getByRole('button', { name: 'End chat and contact' }).count(), 0);
    await customerCtx.close();
  });
});
