import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { mail, smtpSink } from '../helpers/mail.ts';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/mail');
const fixture = (file: string) => fs.readFileSync(path.join(CORPUS, file), 'latin1');

/**
 * The delivery state on the officer's screen (issue 13): a reply that was sent shows one tick;
 * when the customer's server reports it delivered (a success DSN) the thread shows "delivered" live,
 * in words, with when it was sent and what the server said; a later bounce shows it not delivered.
 */
describe('e-mail delivery state in the workspace, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let boxId: string;

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    sink = await smtpSink({ dsn: true });
    const box = (await desktop.services.mailboxes.list()).find(
      (b) => b.address === 'support@frontline.demo',
    )!;
    boxId = box.id;
    await desktop.services.mailboxes.update(
      SYSTEM_ACTOR,
      box.id,
      { smtp: { host: '127.0.0.1', port: sink.port, tls: false }, options: { acknowledge: false } },
      undefined,
    );
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await sink?.close();
    await desktop?.close();
  });

  const receive = (raw: Buffer) =>
    desktop.services.inbound.receive({ channel: 'email', raw, transport: 'api', endpointId: boxId });

  test('sent, then delivered live with its words, then bounced', async () => {
    const r = await receive(
      mail({
        from: 'Mei Ling <m.lindqvist@example.se>',
        to: 'support@frontline.demo',
        subject: 'Refund for May',
      }),
    );
    assert.ok(r.outcome?.result === 'message');
    const caseId = r.outcome.caseId;
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role', 'team_id'])
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const reply = await desktop.services.outbound.reply(
      { userId: olivia.id, role: olivia.role, via: 'session', teamId: olivia.team_id },
      caseId,
      { body: 'Your refund is confirmed.' },
    );
    assert.equal(await desktop.services.outbound.drain(), 1);
    const sourceKey = (
      await desktop.ctx.store.db
        .selectFrom('messages')
        .select('source_key')
        .where('id', '=', reply.id)
        .executeTakeFirstOrThrow()
    ).source_key!;

    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${caseId}`);
    const thread = page.getByRole('list', { name: 'Conversation' });
    const badge = thread.locator('.t-msg.mail.out .badge.state');
    await badge.getByText(/^\s*sent/).waitFor();
    assert.match((await badge.getAttribute('class')) ?? '', /\bok\b/);

    // The customer's server reports success: the badge changes without a reload.
    const dsn = fixture('bounce/054-postfix-success-relayed-constructed.eml')
      .replaceAll('018f76a2-4c1d-7e4b-9a51-3f2d8c7b1e40.cs-000419@centre.example', sourceKey)
      .replaceAll('ana.pereira@customer.example', 'm.lindqvist@example.se')
      .replace(/Original-Envelope-Id: .*\r\n/, `Original-Envelope-Id: ${reply.id}\r\n`);
    const ok = await receive(Buffer.from(dsn, 'latin1'));
    assert.ok(ok.outcome?.result === 'bounce' && ok.outcome.report === 'delivered');
    await badge.getByText('delivered').waitFor({ timeout: 10_000 });
    assert.match((await badge.getAttribute('class')) ?? '', /\bdone\b/);
    const title = (await badge.getAttribute('title')) ?? '';
    assert.match(title, /^Sent .+; the receiving mail server reported it delivered\. /);
    assert.match(title, /m\.lindqvist@example\.se: 2\.0\.0 relayed: 250 2\.0\.0 OK/);
    assert.equal(await thread.getByText('Not delivered:').count(), 0);
    // The message shows it; the thread does not repeat it as a line of its own.
    assert.equal(await thread.getByText('E-mail delivered').count(), 0);
    await assertAccessible(page, 'a delivered e-mail');
    await page.screenshot({ path: `${SHOTS}/email-delivered-1280x720.png` });

    // Then the server bounces it after all: not delivered, with the reason.
    const bounce = fixture('bounce/056-multi-recipient-delivered-and-failed-constructed.eml').replaceAll(
      '018f76d9-2b7e-7a10-8c3f-9d4e5f6a7b81.cs-000421@centre.example',
      sourceKey,
    );
    await receive(Buffer.from(bounce, 'latin1'));
    await badge.getByText('bounced').waitFor({ timeout: 10_000 });
    await thread.getByText('Not delivered:').waitFor();
    assert.match((await badge.getAttribute('class')) ?? '', /\bbad\b/);
    await page.close();
  });
});
