import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { SmtpReceiver } from '../../src/server/channels/email/smtp-receiver.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/** Payloads that call window.__pwned() if anything in a mail's HTML ever runs in the workspace. */
const XSS = [
  // First: everything after the unclosed <style> of the mXSS vector below is not text the customer wrote.
  '<p>Please help: <b>charged twice</b> for my October bill.</p>',
  '<img src="https://tracker.example/pixel.gif" alt="pixel">',
  '<script>window.__pwned("script")</script>',
  '<img src="x" onerror="window.__pwned(\'onerror\')">',
  '<svg onload="window.__pwned(\'svg\')"></svg>',
  '<a href="javascript:window.__pwned(\'href\')" id="jslink">click me</a>',
  '<iframe src="javascript:window.__pwned(\'iframe\')"></iframe>',
  '<iframe srcdoc="<script>parent.__pwned(\'srcdoc\')</script>"></iframe>',
  '<object data="javascript:window.__pwned(\'object\')"></object>',
  '<embed src="javascript:window.__pwned(\'embed\')">',
  '<form action="javascript:window.__pwned(\'form\')"><button id="formbtn">go</button></form>',
  '<body onload="window.__pwned(\'body\')">',
  '<div style="background:url(javascript:window.__pwned(\'css\'))">styled</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned(\'mxss\')">',
  '<details open ontoggle="window.__pwned(\'ontoggle\')">d</details>',
  '<input autofocus onfocus="window.__pwned(\'onfocus\')">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned(\'meta\')">',
  '<base href="javascript:window.__pwned(\'base\')//">',
].join('\n');

/**
 * E-mail in the workspace (issue 13): a customer's mail arrives over SMTP and appears live in the
 * team's queue; the officer reads it (its HTML, with every script vector in it, runs nothing) and
 * replies with a template; the reply leaves by SMTP to the customer, and the customer's answer —
 * carrying only In-Reply-To — lands on the same case, live.
 */
describe('e-mail in the workspace, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let receiver: SmtpReceiver;
  let rxPort: number;
  const sent: Buffer[] = [];
  let sink: SMTPServer;

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    sink = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _s, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => chunks.push(d));
        stream.on('end', () => {
          sent.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const sinkPort = (sink.server.address() as AddressInfo).port;
    const box = (await desktop.services.mailboxes.list()).find(
      (b) => b.address === 'support@frontline.demo',
    )!;
    await desktop.services.mailboxes.update(
      SYSTEM_ACTOR,
      box.id,
      { smtp: { host: '127.0.0.1', port: sinkPort, tls: false } },
      undefined,
    );
    receiver = new SmtpReceiver(desktop.ctx, desktop.services.inbound);
    rxPort = await receiver.listen(0, '127.0.0.1');
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await receiver.close();
    await new Promise<void>((r) => sink.close(() => r()));
    await desktop.close();
  });

  const smtpIn = (raw: Buffer | string) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: rxPort, secure: false, ignoreTLS: true })
      .sendMail({ envelope: { from: 'mei@customer.example', to: ['support@frontline.demo'] }, raw });

  test('a mail arrives live in the queue, its HTML runs nothing, the officer replies with a template, and the customer’s answer with only In-Reply-To lands on the same case', async () => {
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    const pwned: string[] = [];
    await page.exposeFunction('__pwned', (what: string) => pwned.push(what));
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('radio', { name: "My team's" }).check();

    const subject = 'Charged twice in October';
    await smtpIn(
      [
        'From: Mei Ling <mei@customer.example>',
        'To: support@frontline.demo',
        `Subject: ${subject}`,
        'Message-ID: <first-mail@customer.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="ALT"',
        '',
        '--ALT',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Please help: charged twice for my October bill.',
        '--ALT',
        'Content-Type: text/html; charset=utf-8',
        '',
        `<html><body>${XSS}</body></html>`,
        '--ALT--',
        '',
      ].join('\r\n'),
    );
    // Live: the new case appears in the open queue without a reload.
    const row = page.locator('tr', { hasText: subject });
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole('link').first().click();

    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread
      .getByText(/E-mail from/)
      .first()
      .waitFor();
    assert.match(await thread.innerText(), /mei@customer\.example/);
    await page.getByRole('button', { name: 'Show as formatted' }).first().click();
    await thread.getByText('charged twice', { exact: false }).first().waitFor();
    // Try what a curious officer would: the link, the form, the remote images.
    await page
      .locator('#jslink')
      .click({ timeout: 2000 })
      .catch(() => {});
    await page
      .locator('#formbtn')
      .click({ timeout: 2000 })
      .catch(() => {});
    await page.getByRole('button', { name: 'Show images' }).click();
    await page.waitForTimeout(500);
    assert.deepEqual(pwned, [], 'nothing from the mail ran');
    await assertAccessible(page, 'workspace with an e-mail');

    // Reply with a template.
    await page.getByRole('radio', { name: 'Reply to the customer' }).check();
    await page.getByLabel('Insert a standard text').selectOption({ label: 'Acknowledge the enquiry' });
    await page.getByRole('button', { name: 'Insert text' }).click();
    await page.getByRole('button', { name: 'Send e-mail' }).click();
    // The acknowledgement and the reply, both waiting for the sender loop (not running in this test).
    await thread.getByText('queued to send').nth(1).waitFor();
    assert.equal(await desktop.services.outbound.drain(), 2, 'the acknowledgement and the reply');
    await thread
      .getByText(/^\s*sent/)
      .first()
      .waitFor({ timeout: 5000 });
    const reply = await simpleParser(sent.at(-1)!);
    assert.equal(
      reply.to && !Array.isArray(reply.to) ? reply.to.value[0]?.address : null,
      'mei@customer.example',
    );
    assert.match(reply.text ?? '', /Dear Mei Ling/);
    assert.equal(reply.inReplyTo, '<first-mail@customer.example>');

    // The customer answers; their client keeps only In-Reply-To.
    await smtpIn(
      [
        'From: Mei Ling <mei@customer.example>',
        'To: support@frontline.demo',
        'Subject: thanks',
        'Message-ID: <second-mail@customer.example>',
        `In-Reply-To: ${reply.messageId}`,
        '',
        'Thank you, that is quick. REPLY-MARKER',
        '',
      ].join('\r\n'),
    );
    await thread.getByText(/REPLY-MARKER/).waitFor({ timeout: 10_000 });
    const rows = await desktop.ctx.store.db
      .selectFrom('messages')
      .select(['case_id', 'source_key'])
      .where('direction', '=', 'inbound')
      .execute();
    assert.equal(new Set(rows.map((r) => r.case_id)).size, 1, 'one case');
    assert.equal(rows.length, 2);
    assert.deepEqual(pwned, []);
    await page.screenshot({ path: `${SHOTS}/email-workspace-1280x720.png` });
    await page.close();
  });
});
