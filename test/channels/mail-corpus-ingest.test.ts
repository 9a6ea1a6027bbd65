import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseMail } from '../../src/server/channels/email/parse.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * The corpus (test/fixtures/mail, 77 real-world and constructed messages) through Frontline's own
 * parsing and the inbound chain: each message's kind, delivery report and text as the manifest
 * expects, and what the chain makes of it — a case, a bounce or a delivery recorded against what we
 * sent, or an item kept and ignored with its reason. (mail-corpus.test.ts checks the parser library alone.)
 */
const DIR = path.resolve(import.meta.dirname, '../fixtures/mail');
interface Entry {
  file: string;
  expect: {
    kind: 'message' | 'auto_reply' | 'bounce' | 'list' | 'spam';
    subject?: string;
    textIncludes?: string;
    messageId?: string | null;
    inReplyTo?: string;
    references?: string[];
    from?: string;
    bounce?: {
      recipient: string;
      status: string;
      originalMessageId?: string;
      outcome?: 'failed' | 'delayed' | 'delivered';
      envelopeId?: string;
    };
  };
  parserQuirk?: Record<string, string>;
}
const entries = (
  JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as { messages: Entry[] }
).messages;
const KIND = {
  message: 'message',
  auto_reply: 'auto_reply',
  bounce: 'bounce',
  list: 'bulk',
  spam: 'spam',
} as const;

/** Where Frontline does better than the parser library alone, and says so. */
const FIXED_HERE = new Set(['broken/023-boundary-mismatch.eml', 'broken/025-multipart-without-boundary.eml']);
/** A raw 8-bit subject the library decodes as UTF-8; Frontline tries the message's declared charsets. */
const SUBJECT_FIXED_HERE = new Set(['bounce/052-gb2312-sina-failure.eml']);

describe('the mail corpus through Frontline’s parser', () => {
  for (const e of entries) {
    test(e.file, async () => {
      const msg = await parseMail(fs.readFileSync(path.join(DIR, e.file)));
      const x = e.expect;
      assert.equal(msg.kind, KIND[x.kind], `kind (${msg.kindReason ?? 'no reason'})`);
      if (x.messageId !== undefined) assert.equal(msg.sourceId, x.messageId);
      if (x.from) assert.equal(msg.from?.address, x.from);
      if (x.subject !== undefined && (!e.parserQuirk?.subject || SUBJECT_FIXED_HERE.has(e.file)))
        assert.equal(msg.subject ?? '', x.subject);
      if (x.textIncludes && (!e.parserQuirk?.textIncludes || FIXED_HERE.has(e.file)))
        assert.ok(
          `${msg.text}`.replace(/\s+/g, ' ').includes(x.textIncludes.replace(/\s+/g, ' ')),
          `text includes ${JSON.stringify(x.textIncludes)}: ${msg.text.slice(0, 300)}`,
        );
      if (FIXED_HERE.has(e.file)) assert.equal(msg.malformed, true, 'said to be malformed');
      if (x.bounce) {
        assert.ok(msg.bounce, 'a bounce report');
        assert.equal(msg.bounce.recipient, x.bounce.recipient.toLowerCase(), 'the failed recipient');
        assert.equal(msg.bounce.status, x.bounce.status, 'the status');
        if (x.bounce.originalMessageId)
          assert.equal(msg.bounce.originalMessageId, x.bounce.originalMessageId, 'what bounced');
        assert.equal(msg.bounce.outcome, x.bounce.outcome ?? 'failed', 'failed, delayed or delivered');
        assert.equal(msg.bounce.envelopeId, x.bounce.envelopeId ?? null, 'the ENVID returned');
      }
      if (msg.html) assert.doesNotMatch(msg.html, /<script|\son\w+\s*=|javascript:/i, 'sanitised HTML');
    });
  }
});

for (const dialect of await dialects()) {
  describe(`the mail corpus through the inbound chain on ${dialect}`, () => {
    test('every message: a case, a bounce recorded on what we sent, or kept and ignored with its reason — never lost, never twice', async () => {
      const t = await makeTestApp(dialect);
      try {
        const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'support@centre.example',
          displayName: 'Support',
          inbound: 'smtp',
          options: { acknowledge: false, threadBySubjectDays: null },
        });
        // A case with the messages the bounces report on, as if we had sent them.
        const first = await t.services.inbound.receive({
          channel: 'email',
          raw: Buffer.from(
            'From: a@customer.example\r\nTo: support@centre.example\r\nSubject: x\r\nMessage-ID: <seed@customer.example>\r\n\r\nhello\r\n',
          ),
          transport: 'api',
          endpointId: box.id,
        });
        assert.ok(first.outcome?.result === 'message');
        for (const e of entries) {
          const original = e.expect.bounce?.originalMessageId;
          if (original)
            await t.ctx.store.db
              .insertInto('messages')
              .values({
                // Our message's id is the ENVID we send (RFC 3461), returned by the report.
                id: e.expect.bounce?.envelopeId ?? newId(),
                case_id: first.outcome.caseId,
                contact_id: null,
                channel: 'email',
                direction: 'outbound',
                kind: 'reply',
                endpoint_id: box.id,
                raw_id: null,
                source_key: original,
                in_reply_to: null,
                refs: '[]',
                from_address: 'support@centre.example',
                from_name: null,
                to_addresses: '[]',
                cc_addresses: '[]',
                subject: 'x',
                body_text: 'x',
                body_html: null,
                remote_images: false,
                author_id: null,
                state: 'sent',
                state_reason: null,
                attempts: 1,
                next_attempt_at: null,
                lease_until: null,
                created_at: '2026-11-23T09:00:00.000Z',
                sent_at: '2026-11-23T09:00:00.000Z',
                updated_at: '2026-11-23T09:00:00.000Z',
              })
              .execute();
        }
        const sent = new Set(entries.map((e) => e.expect.bounce?.originalMessageId).filter(Boolean));
        const wrong: string[] = [];
        for (const e of entries) {
          const raw = fs.readFileSync(path.join(DIR, e.file));
          const r = await t.services.inbound.receive({
            channel: 'email',
            raw,
            transport: 'api',
            endpointId: box.id,
          });
          const again = await t.services.inbound.receive({
            channel: 'email',
            raw,
            transport: 'api',
            endpointId: box.id,
          });
          if (!again.duplicate) wrong.push(`${e.file}: delivered twice made two items`);
          const o = r.outcome;
          const want =
            e.expect.kind === 'bounce'
              ? e.expect.bounce?.originalMessageId
                ? `bounce:${e.expect.bounce.outcome ?? 'failed'}`
                : 'ignored:bounce_unmatched'
              : e.expect.kind === 'spam'
                ? 'ignored:spam'
                : e.expect.kind === 'auto_reply'
                  ? // Automatic mail about something we sent (a read receipt for a reply) is kept on
                    // that case; about nothing we know, it is kept aside. Never a case of its own.
                    [e.expect.inReplyTo, ...(e.expect.references ?? [])].some((id) => id && sent.has(id))
                    ? 'message:on its case'
                    : 'ignored:auto_reply'
                  : 'message';
          const got = !o
            ? 'nothing'
            : o.result === 'ignored'
              ? `ignored:${o.reason}`
              : o.result === 'bounce'
                ? `bounce:${o.report}`
                : e.expect.kind === 'auto_reply'
                  ? `message:${o.caseCreated || o.reopened ? 'opened or reopened a case' : 'on its case'}`
                  : o.result;
          if (got !== want) wrong.push(`${e.file}: ${got}, expected ${want}`);
        }
        assert.deepEqual(wrong, []);
        // What each report was about is now bounced or delivered as the report says, nothing else.
        const states = await t.ctx.store.db
          .selectFrom('messages')
          .select(['source_key', 'state'])
          .where('direction', '=', 'outbound')
          .execute();
        const stateOf = new Map(states.map((m) => [m.source_key, m.state]));
        for (const e of entries) {
          const b = e.expect.bounce;
          if (!b?.originalMessageId) continue;
          const want = { failed: 'bounced', delayed: 'sent', delivered: 'delivered' }[b.outcome ?? 'failed'];
          assert.equal(stateOf.get(b.originalMessageId), want, e.file);
        }
        const unprocessed = await t.ctx.store.db
          .selectFrom('inbound_raw')
          .select('id')
          .where('state', '=', 'received')
          .execute();
        assert.equal(unprocessed.length, 0);
      } finally {
        await t.close();
      }
    });
  });
}
