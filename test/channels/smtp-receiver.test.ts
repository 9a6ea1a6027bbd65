import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { SmtpReceiver } from '../../src/server/channels/email/smtp-receiver.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

/** A real SMTP conversation into Frontline's receiver (nodemailer as the sending server). */
for (const dialect of await dialects()) {
  describe(`SMTP receiver on ${dialect}`, () => {
    test('accepts for its mailboxes only (550 otherwise), answers 250 after the raw message is stored, then makes the case', async () => {
      const t = await makeTestApp(dialect);
      const accepted: string[] = [];
      const rx = new SmtpReceiver(
        t.ctx,
        t.services.inbound,
        { onAccepted: (id) => accepted.push(id) },
        { maxBytes: 64 * 1024 },
      );
      try {
        await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'billing@centre.example',
          displayName: 'Billing Support',
          inbound: 'smtp',
          teamId: t.team.id,
        });
        await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'imap-only@centre.example',
          displayName: 'Fetched elsewhere',
          inbound: 'none',
        });
        const port = await rx.listen(0, '127.0.0.1');
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port,
          secure: false,
          ignoreTLS: true,
          connectionTimeout: 5000,
          socketTimeout: 5000,
        });
        const raw = mail({
          from: 'Ana <ana@customer.example>',
          messageId: 'smtp-1@customer.example',
          body: 'Über the wire: naïve café',
        });
        const sent = await transport.sendMail({
          envelope: { from: 'ana@customer.example', to: ['billing@centre.example'] },
          raw,
        });
        assert.match(sent.response, /^250/);
        assert.equal(accepted.length, 1);
        const rawRow = await t.services.inbound.rawRow(accepted[0]!);
        assert.ok(rawRow, 'stored before the 250');
        assert.equal(Buffer.from(rawRow.raw).toString('utf8').includes('naïve café'), true);
        // Processing follows the 250; wait for it.
        let m: { body_text: string; case_id: string } | undefined;
        for (let i = 0; i < 100 && !m; i++) {
          m = await t.ctx.store.db
            .selectFrom('messages')
            .select(['body_text', 'case_id'])
            .where('direction', '=', 'inbound')
            .executeTakeFirst();
          if (!m) await new Promise((r) => setTimeout(r, 20));
        }
        assert.match(m?.body_text ?? '', /naïve café/);

        await assert.rejects(
          transport.sendMail({
            envelope: { from: 'ana@customer.example', to: ['nobody@centre.example'] },
            raw,
          }),
          (err: Error & { responseCode?: number }) => err.responseCode === 550,
          'not an open relay',
        );
        await assert.rejects(
          transport.sendMail({
            envelope: { from: 'ana@customer.example', to: ['imap-only@centre.example'] },
            raw,
          }),
          (err: Error & { responseCode?: number }) => err.responseCode === 550,
          'a mailbox that is not received by SMTP',
        );
        const big = mail({ from: 'ana@customer.example', body: 'x'.repeat(100 * 1024) });
        await assert.rejects(
          transport.sendMail({
            envelope: { from: 'ana@customer.example', to: ['billing@centre.example'] },
            raw: big,
          }),
          (err: Error & { responseCode?: number }) => err.responseCode === 552,
        );
        // The same message again: 250 (the sender must stop retrying) and still one message.
        await transport.sendMail({
          envelope: { from: 'ana@customer.example', to: ['billing@centre.example'] },
          raw,
        });
        await new Promise((r) => setTimeout(r, 100));
        const inbound = await t.ctx.store.db
          .selectFrom('messages')
          .select('id')
          .where('direction', '=', 'inbound')
          .execute();
        assert.equal(inbound.length, 1);
        transport.close();
      } finally {
        await rx.close();
        await t.close();
      }
    });
  });
}
