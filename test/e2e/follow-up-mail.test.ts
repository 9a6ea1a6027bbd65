import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { mail } from '../helpers/mail.ts';

/**
 * A follow-up promised by e-mail, kept on screen (issue 13; 000 module 3 task 3 step 7): the
 * officer writes the e-mail in the keep dialog, a double-click sends it once, and it leaves by SMTP
 * to the customer threaded under their mail.
 */
describe('a follow-up kept by e-mail, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
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
    const port = (sink.server.address() as AddressInfo).port;
    const box = (await desktop.services.mailboxes.list()).find(
      (b) => b.address === 'support@frontline.demo',
    )!;
    await desktop.services.mailboxes.update(
      SYSTEM_ACTOR,
      box.id,
      { smtp: { host: '127.0.0.1', port, tls: false }, options: { ...box.options, acknowledge: false } },
      undefined,
    );
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await new Promise<void>((r) => sink.close(() => r()));
    await desktop?.close();
  });

  test('the officer writes the e-mail when keeping the promise; a double-click sends it once, by SMTP, on the thread', async () => {
    const db = desktop.ctx.store.db;
    const r = await desktop.services.inbound.receive({
      channel: 'email',
      raw: mail({
        from: 'Mei Ling <mei@customer.example>',
        to: 'support@frontline.demo',
        subject: 'Instalment plan',
        messageId: 'plan1@customer.example',
      }),
      transport: 'api',
      endpointId: null,
    });
    assert.ok(r.outcome?.result === 'message', JSON.stringify(r.outcome));
    const olivia = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const actor = { userId: olivia.id, role: 'officer', via: 'session' as const };
    const due = new Date(desktop.ctx.clock.now().getTime() + 24 * 3600_000).toISOString();
    await desktop.services.commitments.create(actor, r.outcome.caseId, {
      dueAt: due,
      method: 'email',
      note: 'Confirm the instalment plan in writing',
    });

    const page = await desktop.signIn('olivia');
    await page.goto(`${desktop.url}/#/followups`);
    const list = page.getByRole('list', { name: 'My follow-ups' });
    await list.getByRole('button', { name: 'Write e-mail…' }).click();
    const dialog = page.getByRole('dialog', { name: /Follow-up by e-mail on CS-/ });
    await dialog.waitFor();
    await dialog
      .getByLabel('E-mail to the customer')
      .fill('Your plan is agreed: three instalments, the first on 1 December. KEEP-MARKER');
    await assertAccessible(page, 'keep dialog');
    await dialog.getByRole('button', { name: 'Send and mark kept' }).dblclick();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('No open commitments.').waitFor();

    const queued = await db
      .selectFrom('messages')
      .select(['kind', 'state'])
      .where('case_id', '=', r.outcome.caseId)
      .where('direction', '=', 'outbound')
      .execute();
    assert.deepEqual(
      queued.map((q) => [q.kind, q.state]),
      [['follow_up', 'queued']],
      'kept once, queued once',
    );
    assert.equal(await desktop.services.outbound.drain(), 1);
    assert.equal(sent.length, 1);
    const m = await simpleParser(sent[0]!);
    assert.match(m.text ?? '', /KEEP-MARKER/);
    assert.equal(m.inReplyTo, '<plan1@customer.example>');
    assert.deepEqual(
      (Array.isArray(m.to) ? m.to : [m.to]).flatMap((x) => x?.value.map((v) => v.address)),
      ['mei@customer.example'],
    );
    await page.close();
  });
});
