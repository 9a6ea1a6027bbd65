import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { CUSTOMER_LINE } from '../../src/server/modules/routing/routing-transfer.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

/**
 * Transfer (issue 14, point 4): a customer chats with Olivia; she tries to hand the chat to Tom while
 * he is offline (refused, said in words), then, once he is at work, with a note. The customer reads a
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

    // Tom is offline: the transfer is refused in words, and nothing moves.
    await olivia.getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = olivia.getByRole('dialog', { name: /Transfer CS-/ });
    const to = dialog.getByLabel('Transfer to');
    await to.locator('option', { hasText: 'Tom Lim' }).waitFor({ state: 'attached' });
    assert.match(await to.locator('option', { hasText: 'Tom Lim' }).innerText(), /offline/);
    await to.selectOption({ label: (await to.locator('option', { hasText: 'Tom Lim' }).innerText()).trim() });
    const note =
      'Double roaming charge on 3 Dec; she wants one refunded. Billing confirmed it is a duplicate.';
    await dialog.getByLabel('Note for whoever takes it').fill(note);
    await assertAccessible(olivia, 'the transfer dialog');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await dialog
      .getByRole('alert')
      .getByText(/not available/)
      .waitFor();

    // Tom starts work; Olivia transfers again (a double click: one transfer).
    await tom.getByLabel('My state').selectOption('available');
    await tom.waitForTimeout(300);
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
    await customerCtx.close();
    await olivia.close();
    await tom.close();
  });
});
