import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * A chat accepted is a contact in progress (issue 14 audit): the officer accepts the offer, and at
 * once — before any reply — the customer's widget says who they are chatting with and the chat box
 * says it is live; the context pane has the contact in progress and its verify panel, which checks
 * the chat customer's particulars; when the officer ends the chat, the contact ends.
 */
describe('a chat accepted is a contact in progress, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 2 });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  test('accept: the widget and chat box say the chat is live, the context pane verifies the customer, the end gives a length', async () => {
    const olivia = await desktop.signIn('olivia');
    await olivia.setViewportSize({ width: 1280, height: 720 });
    await olivia.getByLabel('My state').selectOption('available');
    await olivia.waitForTimeout(300);

    const customerCtx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const customer = await customerCtx.newPage();
    await customer.goto(`${desktop.url}/demo/widget`);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name').fill('Mei Ling');
    await customer.getByLabel('Your e-mail').fill('mei.ling@customer.example');
    await customer.getByLabel('How can we help?').fill('I was charged twice for roaming.');
    await customer.getByRole('button', { name: 'Start chat' }).click();
    await customer.getByText(/number 1 in the queue/).waitFor();

    // Olivia accepts the offer: no reply yet, and both sides already say the chat is live.
    await olivia.getByRole('button', { name: 'Accept', exact: true }).click();
    await olivia.waitForURL(/#\/cases\//);
    await olivia.locator('.chat-status', { hasText: 'Chatting with Mei Ling' }).waitFor();
    await customer.getByText(/You are chatting with Olivia/).waitFor();
    assert.equal(await customer.getByText(/in the queue/).count(), 0, 'no longer "in the queue"');
    assert.equal(await olivia.getByText(/in the queue/).count(), 0);

    // The context pane: the contact in progress, not yet verified, and its verify panel.
    await olivia.getByTestId('verification').getByText('Not verified on this contact').waitFor();
    const form = olivia.getByRole('form', { name: 'Verify particulars' });
    await form.waitFor();
    await olivia.screenshot({ path: `${SHOTS}/chat-contact-verify-1280x720.png` });
    assert.ok(
      await olivia.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the workspace with the verify panel fits 1280x720',
    );
    const name = form.locator('label', { has: olivia.getByTestId('check-name') }).locator('input');
    await name.fill('Mei Ling');
    await form.getByRole('button', { name: 'Check answers' }).click();
    await form.getByTestId('check-name').getByText(/match/i).waitFor();
    const contact = await desktop.ctx.store.db
      .selectFrom('chat_conversations as v')
      .innerJoin('contacts as k', 'k.id', 'v.contact_id')
      .select(['k.id', 'k.officer_id', 'k.ended_at'])
      .executeTakeFirstOrThrow();
    const oliviaId = (
      await desktop.ctx.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'olivia')
        .executeTakeFirstOrThrow()
    ).id;
    assert.equal(contact.officer_id, oliviaId, 'the contact is Olivia’s');
    assert.equal(contact.ended_at, null, 'in progress');
    const checks = await desktop.ctx.store.db
      .selectFrom('contact_verifications')
      .select('contact_id')
      .where('contact_id', '=', contact.id)
      .execute();
    assert.ok(checks.length > 0, 'the check is recorded on the chat’s contact');

    // Olivia ends the chat: the customer is told, and the contact ends with it.
    await olivia.getByRole('button', { name: 'End chat' }).click();
    await customer.getByText('This chat has ended.').waitFor();
    await olivia.getByTestId('verification').getByText('No contact in progress with this customer').waitFor();
    const ended = await desktop.ctx.store.db
      .selectFrom('contacts')
      .select('ended_at')
      .where('id', '=', contact.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(ended.ended_at, null, 'the contact ended with the chat');
    await customerCtx.close();
  });
});
