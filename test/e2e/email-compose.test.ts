import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { type AddressObject, simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { mail, smtpSink } from '../helpers/mail.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

async function pageFits(page: Page, what: string) {
  const { sh, ch } = await page.evaluate(() => ({
    sh: document.documentElement.scrollHeight,
    ch: document.documentElement.clientHeight,
  }));
  assert.ok(sh <= ch, `${what}: the page scrolls (${sh} > ${ch})`);
}

/**
 * The composer's e-mail (issue 13, point 7), in Chromium at 1280×720: on a case that came by e-mail
 * the officer sees who the reply goes to (the requester; the follower copied), adds a CC (a wrong
 * address is caught before sending), attaches a file, and sends — the SMTP sink receives the file
 * and every copy, and the thread shows the sent reply with its file. On a phone case the reply is
 * recorded unless the officer asks for it to go by e-mail.
 */
describe('replying by e-mail with CC and a file, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let boxId: string;
  let olivia: Actor;

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    sink = await smtpSink();
    const box = (await desktop.services.mailboxes.list()).find(
      (b) => b.address === 'support@frontline.demo',
    )!;
    boxId = box.id;
    await desktop.services.mailboxes.update(
      SYSTEM_ACTOR,
      box.id,
      {
        smtp: { host: '127.0.0.1', port: sink.port, tls: false },
        options: { ...box.options, acknowledge: false },
      },
      undefined,
    );
    const u = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    olivia = { userId: u.id, role: u.role as Actor['role'], via: 'session' };
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await sink?.close();
    await desktop?.close();
  });

  test('the officer sees To and the copied follower, adds a CC and a file, sends; the sink receives both', async () => {
    const r = await desktop.services.inbound.receive({
      channel: 'email',
      raw: mail({
        from: 'Mei Ling <mei@customer.example>',
        to: 'support@frontline.demo',
        cc: 'Jun <jun@customer.example>',
        subject: 'Refund for October',
      }),
      transport: 'api',
      endpointId: boxId,
    });
    assert.ok(r.outcome?.result === 'message');
    const caseId = r.outcome.caseId;
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${caseId}`);
    await page
      .getByRole('list', { name: 'Conversation' })
      .getByText(/E-mail from/)
      .first()
      .waitFor();

    await page.getByRole('radio', { name: 'Reply to the customer' }).check();
    const send = page.getByRole('checkbox', { name: 'Send by e-mail' });
    assert.equal(await send.isChecked(), true, 'a case that came by e-mail is answered by e-mail');
    const recipients = page.locator('.mail-compose .recipients');
    await recipients.getByText('mei@customer.example').waitFor();
    await recipients.getByText(/jun@customer\.example/).waitFor();
    await recipients.getByText('support@frontline.demo').waitFor();

    const replyBox = page.getByLabel('Reply by e-mail (sent to the customer)');
    await replyBox.fill('Your refund is confirmed: see the letter.');
    // Formatting: "confirmed" made bold with the toolbar, then a list item added with the keyboard's list button.
    await replyBox.evaluate((el: HTMLTextAreaElement) => {
      const at = el.value.indexOf('confirmed');
      el.focus();
      el.setSelectionRange(at, at + 'confirmed'.length);
    });
    await page
      .getByRole('toolbar', { name: 'Formatting' })
      .getByRole('button', { name: 'Bold (Ctrl+B)' })
      .click();
    assert.equal(await replyBox.inputValue(), 'Your refund is **confirmed**: see the letter.');
    await replyBox.press('End');
    await replyBox.press('Control+i');
    await replyBox.pressSequentially('Thank you');
    assert.equal(await replyBox.inputValue(), 'Your refund is **confirmed**: see the letter.*Thank you*');
    await replyBox.fill('Your refund is **confirmed**: see the letter.\n\n*Thank you*');
    const cc = page.getByLabel('Also copy to');
    await cc.fill('accounts@partner');
    await page.getByText('Not an e-mail address:').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send e-mail' }).isDisabled(), true);
    await cc.fill('accounts@partner.example');

    const letter = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(40_000, 65)]);
    await page.locator('#composer-files').setInputFiles({
      name: 'Refund letter.pdf',
      mimeType: 'application/pdf',
      buffer: letter,
    });
    const files = page.getByRole('list', { name: 'Attachments' }).last();
    await files.getByText('Refund letter.pdf').waitFor();
    await page.getByRole('button', { name: 'Remove Refund letter.pdf' }).waitFor();
    await pageFits(page, 'the composer with a CC and a file');
    await assertAccessible(page, 'composer with e-mail options');
    await page.screenshot({ path: `${SHOTS}/email-compose-1280x720.png` });

    await page.getByRole('button', { name: 'Send e-mail' }).click();
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('queued to send').waitFor();
    assert.equal(await page.locator('.mail-compose ul.files').count(), 0, 'the composer is emptied');
    assert.equal(await desktop.services.outbound.drain(), 1);
    await thread
      .getByText(/^\s*sent/)
      .first()
      .waitFor({ timeout: 5000 });
    // The sent reply lists its file, which downloads from the case.
    await thread.getByRole('link', { name: 'Refund letter.pdf' }).waitFor();

    const got = await simpleParser(sink.received.at(-1)!);
    assert.deepEqual(addresses(got.to), ['mei@customer.example']);
    assert.deepEqual(addresses(got.cc).sort(), ['accounts@partner.example', 'jun@customer.example']);
    // Sent as HTML (the formatting) with the words as written beside it.
    assert.match(got.text ?? '', /Your refund is \*\*confirmed\*\*: see the letter\./);
    assert.match(String(got.html), /Your refund is <strong>confirmed<\/strong>: see the letter\./);
    assert.match(String(got.html), /<em>Thank you<\/em>/);
    assert.equal(got.attachments.length, 1);
    assert.equal(got.attachments[0]!.filename, 'Refund letter.pdf');
    assert.equal(got.attachments[0]!.contentType, 'application/pdf');
    assert.ok(got.attachments[0]!.content.equals(letter), 'the file arrives byte for byte');
    await pageFits(page, 'the thread after sending');
    await page.close();
  });

  test('a phone case with a known address: the reply is recorded unless the officer chooses e-mail', async () => {
    const s = desktop.services;
    const customer = await desktop.ctx.store.db
      .selectFrom('customers')
      .select(['id', 'emails'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const address = (JSON.parse(String(customer.emails)) as string[])[0]!;
    const contact = await s.contacts.create(olivia, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    const c = await s.cases.create(olivia, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'Meter reading',
    });
    await s.contacts.update(olivia, contact.id, { end: true });
    const before = sink.received.length;

    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${c.id}`);
    await page.getByRole('radio', { name: 'Reply to the customer' }).check();
    const send = page.getByRole('checkbox', { name: 'Send by e-mail' });
    await send.waitFor();
    assert.equal(await send.isChecked(), false, 'a phone case is not answered by e-mail unless asked');
    await page.getByRole('button', { name: 'Add reply' }).waitFor();
    await send.check();
    // An officer does not see the customer's particulars: the address from the record is masked.
    await page
      .locator('.mail-compose .recipients')
      .getByText(`${address[0]}***@${address.split('@')[1]}`)
      .waitFor();
    await page
      .getByLabel('Reply by e-mail (sent to the customer)')
      .fill('As promised on the phone: corrected.');
    await page.getByRole('button', { name: 'Send e-mail' }).click();
    await page.getByRole('list', { name: 'Conversation' }).getByText('queued to send').waitFor();
    assert.equal(await s.outbound.drain(), 1);
    assert.equal(sink.received.length, before + 1);
    const got = await simpleParser(sink.received.at(-1)!);
    assert.deepEqual(addresses(got.to), [address.toLowerCase()]);
    await page.close();
  });

  test('the composer says everything through the catalogue (en-XA), a file too large included', async () => {
    const r = await desktop.services.inbound.receive({
      channel: 'email',
      raw: mail({
        from: 'Ana <ana@customer.example>',
        to: 'support@frontline.demo',
        cc: 'bo@customer.example',
      }),
      transport: 'api',
      endpointId: boxId,
    });
    assert.ok(r.outcome?.result === 'message');
    const page = await signInPseudo(desktop, 'olivia');
    await page.goto(`${desktop.url}/?lang=en-XA#/cases/${r.outcome.caseId}`);
    await page.locator('input[name="visibility"]').nth(1).check();
    await page.locator('.mail-compose .recipients').waitFor();
    await page.locator('.mail-compose input[type="text"]').fill('not-an-address');
    await page
      .locator('#composer-files')
      .setInputFiles([{ name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from('small') }]);
    await page.locator('.mail-compose ul.files li').waitFor();
    // Over the limit of one file: refused on the page, before any upload.
    await page.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('#composer-files')!;
      const big = new File([new Uint8Array(16 * 1024 * 1024)], 'huge.bin');
      const list = new DataTransfer();
      list.items.add(big);
      input.files = list.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await page.locator('.mail-compose [role="alert"]').waitFor();
    const allow = await namesOnScreen(desktop.ctx.store.db);
    await assertAllTranslated(page, '.composer', { allow: [...allow, 'Ana', 'small.txt', 'huge.bin'] });
    await page.close();
  });
});
