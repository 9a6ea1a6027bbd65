import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { CUSTOMER_LINE } from '../../src/server/modules/routing/routing-transfer.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

/**
 * Transfer (issue 14, point 4): a customer chats with Olivia; she would hand the chat to Tom, who is
 * offline (listed, not pickable); her note outlives a cancel; Tom leaves between her pick and her
 * click (refused in one sentence); once he is at work, she transfers it with the note. The customer reads a
 * neutral line; Tom is offered it, accepts, sees the note and the whole conversation and answers;
 * the customer reads his answer. Every message once, in order.
 */
describe('chat transfer, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  let siteUrl = '';

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    site = await startWidgetSite(desktop);
    siteUrl = site.url;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  test('Olivia transfers the chat to Tom with a note; Tom accepts and answers; the customer loses nothing', async () => {
    const olivia = await desktop.signIn('olivia');
    await olivia.setViewportSize({ width: 1280, height: 720 });
    await olivia.getByLabel('My state').selectOption('available');
    const tom = await desktop.signIn('tom');
    await tom.setViewportSize({ width: 1280, height: 720 });
    await olivia.waitForTimeout(300);

    const customerCtx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const customer = await customerCtx.newPage();
    await customer.goto(siteUrl);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name').fill('Mei Ling');
    await customer.getByLabel('Your e-mail').fill('mei@customer.example');
    await customer.getByLabel('How can we help?').fill('I was charged twice for roaming.');
    await customer.getByRole('button', { name: 'Start chat' }).click();
    await customer.getByText(/number 1 in the queue/).waitFor();

    // Olivia answers from "My chats".
    await olivia.getByRole('button', { name: /Chats/ }).click();
    await olivia.getByRole('link', { name: /Mei Ling/ }).click();
    const thread = olivia.getByRole('list', { name: 'Conversation' });
    await thread.getByText('I was charged twice for roaming.').waitFor();
    const box = olivia.getByLabel('Chat message to Mei Ling');
    await box.fill('Hello Mei Ling, let me look at your bill.');
    await box.press('Enter');
    await customer.getByText('Hello Mei Ling, let me look at your bill.').waitFor();
    const input = customer.getByRole('textbox', { name: 'Message', exact: true });
    await input.fill('It was on 3 December.');
    await input.press('Enter');
    await thread.getByText('It was on 3 December.').waitFor();

    // Tom is offline: listed with his state, but he cannot be picked.
    await olivia.getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = olivia.getByRole('dialog', { name: /Transfer CS-/ });
    const to = dialog.getByLabel('Transfer to');
    const tomOption = to.locator('option', { hasText: 'Tom Lim' });
    await tomOption.waitFor({ state: 'attached' });
    assert.match(await tomOption.innerText(), /Tom Lim \(Hotline Team A\) · offline/);
    assert.equal(await tomOption.isDisabled(), true, 'an offline officer cannot be picked');
    const note =
      'Double roaming charge on 3 Dec; she wants one refunded. Billing confirmed it is a duplicate.';
    const noteBox = dialog.getByLabel('Note for whoever takes it');
    await noteBox.fill(note);
    await assertAccessible(olivia, 'the transfer dialog');
    await olivia.screenshot({ path: `${SHOTS}/chat-transfer-offline-disabled-1280x720.png` });
    // Cancelled and opened again for the same case: the note is as she left it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await tom.getByLabel('My state').selectOption('available');
    await tom.waitForTimeout(300);
    await olivia.getByRole('button', { name: 'Transfer', exact: true }).click();
    assert.equal(await noteBox.inputValue(), note);
    await olivia.waitForFunction(() =>
      [...document.querySelectorAll('dialog option')].some(
        (o) => o.textContent?.includes('Tom Lim') && !(o as HTMLOptionElement).disabled,
      ),
    );
    await to.selectOption({ label: (await tomOption.innerText()).trim() });

    // Tom leaves between her pick and her click: refused in one sentence, and nothing moves.
    await tom.getByLabel('My state').selectOption('offline');
    await tom.waitForTimeout(300);
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    const refused = dialog.getByRole('alert');
    await refused.waitFor();
    assert.equal(
      await refused.innerText(),
      'Tom Lim cannot be offered it now (offline): transfer it to their team’s queue instead.',
    );
    // Who can take it is read again: Tom is no longer picked, and cannot be.
    await olivia.waitForFunction(
      () =>
        (document.querySelector('dialog select') as HTMLSelectElement | null)?.value === '' &&
        [...document.querySelectorAll('dialog option')].some(
          (o) => o.textContent?.includes('Tom Lim') && (o as HTMLOptionElement).disabled,
        ),
    );
    assert.equal(await noteBox.inputValue(), note);

    // Tom starts work again; Olivia transfers (a double click: one transfer).
    await tom.getByLabel('My state').selectOption('available');
    await tom.waitForTimeout(300);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await olivia.getByRole('button', { name: 'Transfer', exact: true }).click();
    await olivia.waitForFunction(() =>
      [...document.querySelectorAll('dialog option')].some(
        (o) => o.textContent?.includes('Tom Lim') && !(o as HTMLOptionElement).disabled,
      ),
    );
    await to.selectOption({ label: (await tomOption.innerText()).trim() });
    const send = dialog.getByRole('button', { name: 'Transfer', exact: true });
    await send.dblclick();
    await dialog.waitFor({ state: 'hidden' });
    await customer.getByText(CUSTOMER_LINE.officer).waitFor();
    assert.equal(await customer.getByText(/Tom Lim/).count(), 0, 'no name before he takes it');
    await olivia.getByText(/Transferred by Olivia Tan to Tom Lim/).waitFor();
    const transfers = await desktop.ctx.store.db.selectFrom('routing_transfers').selectAll().execute();
    assert.equal(transfers.length, 1, 'one transfer for the double click');

    // Tom is offered it (the strip under his top bar); he accepts and sees the note and the whole conversation.
    await tom.getByRole('button', { name: 'Accept', exact: true }).click();
    const caseId = transfers[0]!.case_id;
    await tom.waitForURL(new RegExp(`#/cases/${caseId}`));
    const tomThread = tom.getByRole('list', { name: 'Conversation' });
    await tomThread.getByText('I was charged twice for roaming.').waitFor();
    await tomThread.getByText('Hello Mei Ling, let me look at your bill.').waitFor();
    await tomThread.getByText(note).first().waitFor();
    await tom.getByText(/Transferred by Olivia Tan to Tom Lim/).waitFor();
    const tomBox = tom.getByLabel('Chat message to Mei Ling');
    await tomBox.fill('Hi Mei Ling, I am Tom from billing: the duplicate is refunded today.');
    await tomBox.press('Enter');
    await customer
      .getByText('Hi Mei Ling, I am Tom from billing: the duplicate is refunded today.')
      .waitFor();
    await customer.getByText(/You are chatting with Tom Lim/).waitFor();
    await input.fill('Thank you Tom!');
    await input.press('Enter');
    await tomThread.getByText('Thank you Tom!').waitFor();
    await tom.screenshot({ path: `${SHOTS}/chat-transfer-receiver-1280x720.png` });
    assert.ok(
      await tom.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the workspace fits 1280x720',
    );

    // Nothing doubled or lost: the customer's screen and the stored lines, in order, once each.
    const lines = await desktop.ctx.store.db
      .selectFrom('chat_entries as e')
      .innerJoin('messages as m', 'm.id', 'e.message_id')
      .select(['e.seq', 'e.side', 'm.body_text'])
      .where('m.case_id', '=', caseId)
      .orderBy('e.seq')
      .execute();
    assert.deepEqual(
      lines.map((l) => [l.side, l.body_text]),
      [
        ['visitor', 'I was charged twice for roaming.'],
        ['officer', 'Hello Mei Ling, let me look at your bill.'],
        ['visitor', 'It was on 3 December.'],
        ['system', CUSTOMER_LINE.officer],
        ['officer', 'Hi Mei Ling, I am Tom from billing: the duplicate is refunded today.'],
        ['visitor', 'Thank you Tom!'],
      ],
    );
    for (const l of lines)
      assert.equal(
        await customer.getByText(l.body_text, { exact: true }).count(),
        1,
        `shown once to the customer: ${l.body_text}`,
      );
    await customer.screenshot({ path: `${SHOTS}/chat-transfer-widget-phone.png` });

    // Olivia passed it on (the walk's CS-000501: reloaded, she still had the chat box and End chat,
    // and her message reached the customer under her name). Now she reads it, Tom handles it: no
    // chat box, no End chat; an internal note is hers to add.
    await olivia.reload();
    const oliviaThread = olivia.getByRole('list', { name: 'Conversation' });
    await oliviaThread.getByText('Thank you Tom!').waitFor();
    await olivia.getByText('Tom Lim is handling this chat').waitFor();
    assert.equal(await olivia.getByLabel('Chat message to Mei Ling').count(), 0, 'no chat box');
    assert.equal(await olivia.getByRole('button', { name: 'End chat' }).count(), 0, 'no End chat');
    await assertAccessible(olivia, 'a chat another officer handles');
    await olivia.getByLabel('Note (staff only)').fill('Refund reference RF-2291 for Tom.');
    await olivia.getByRole('button', { name: 'Add note' }).click();
    await oliviaThread.getByText('Refund reference RF-2291 for Tom.').waitFor();
    await olivia.screenshot({ path: `${SHOTS}/chat-transfer-passed-on-1280x720.png` });

    // Tom looks away; the customer writes. Olivia has the case open, but her reading is no receipt:
    // the message stays unread for Tom (his count in the top bar), and her screen sends no read mark.
    const oliviaReads: string[] = [];
    olivia.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/chat/read')) oliviaReads.push(r.url());
    });
    await tom.getByRole('link', { name: 'Queues' }).click();
    await input.fill('One more question.');
    await input.press('Enter');
    await oliviaThread.getByText('One more question.').waitFor();
    await tom
      .getByRole('button', { name: /^Chats/ })
      .getByText('1 unread')
      .waitFor();
    await olivia.waitForTimeout(1000);
    assert.deepEqual(oliviaReads, [], 'no read mark from Olivia');
    const conv = await desktop.ctx.store.db
      .selectFrom('chat_conversations')
      .select(['officer_unread', 'officer_id'])
      .where('case_id', '=', caseId)
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...conv }, { officer_unread: 1, officer_id: transfers[0]!.to_user_id });
    await customerCtx.close();
    await olivia.close();
    await tom.close();
  });
});
