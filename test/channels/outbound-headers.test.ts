import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { outboundHeaders } from '../../src/server/modules/messages/outbound.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail, smtpSink } from '../helpers/mail.ts';

/**
 * RFC 3834 on what we send: only mail the system writes by itself (the acknowledgement) is marked
 * automatic. A reply, a progress update and a kept follow-up are a person's words: marked
 * `Auto-Submitted`, the customer's mail program files them as machine mail and holds back its own
 * out-of-office answer to someone who wrote. No kind asks for a read receipt.
 */
describe('outbound headers by kind', () => {
  test('automatic only for the acknowledgement', () => {
    const auto = {
      'Auto-Submitted': 'auto-replied',
      'X-Auto-Response-Suppress': 'All',
      'X-Frontline-Case': 'c1',
    };
    assert.deepEqual(outboundHeaders('acknowledgement', 'c1'), auto);
    for (const kind of ['reply', 'progress_update', 'follow_up'] as const)
      assert.deepEqual(outboundHeaders(kind, 'c1'), { 'X-Frontline-Case': 'c1' }, kind);
  });
});

for (const dialect of await dialects()) {
  describe(`outbound headers through SMTP on ${dialect}`, () => {
    test('each kind as it leaves: the acknowledgement is marked automatic; a reply, a progress update and a kept follow-up are not; none asks for a read receipt', async () => {
      const t = await makeTestApp(dialect);
      const s = await smtpSink();
      try {
        const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'billing@centre.example',
          displayName: 'Billing Support',
          inbound: 'smtp',
          teamId: t.team.id,
          smtp: { host: '127.0.0.1', port: s.port, tls: false },
          options: { acknowledge: true },
        });
        const r = await t.services.inbound.receive({
          channel: 'email',
          raw: mail({ from: 'Ana <ana@customer.example>', messageId: 'h1@customer.example' }),
          transport: 'api',
          endpointId: box.id,
        });
        assert.ok(r.outcome?.result === 'message' && r.outcome.acknowledgementId);
        const caseId = r.outcome.caseId;
        const calls = [
          await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'REPLY-MARKER' }),
          await t.call('officer', 'POST', `/api/v1/cases/${caseId}/progress-updates`, {
            channel: 'email',
            body: 'PROGRESS-MARKER',
          }),
        ];
        const made = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/commitments`, {
          dueAt: '2099-11-24T09:00:00.000Z',
          method: 'email',
          note: 'Confirm the refund',
        });
        calls.push(made);
        calls.push(
          await t.call('officer', 'POST', `/api/v1/commitments/${made.data.id}/keep`, {
            body: 'FOLLOW-UP-MARKER',
          }),
        );
        for (const c of calls) assert.ok(c.statusCode < 300, c.body);
        assert.equal(await t.services.outbound.drain(), 4);

        const byKind = new Map<string, Map<string, unknown>>();
        for (const raw of s.received) {
          const m = await simpleParser(raw);
          const kind = /REPLY-MARKER/.test(m.text ?? '')
            ? 'reply'
            : /PROGRESS-MARKER/.test(m.text ?? '')
              ? 'progress_update'
              : /FOLLOW-UP-MARKER/.test(m.text ?? '')
                ? 'follow_up'
                : 'acknowledgement';
          byKind.set(kind, m.headers);
        }
        assert.deepEqual([...byKind.keys()].sort(), [
          'acknowledgement',
          'follow_up',
          'progress_update',
          'reply',
        ]);
        for (const [kind, h] of byKind) {
          const automatic = kind === 'acknowledgement';
          assert.equal(h.get('auto-submitted'), automatic ? 'auto-replied' : undefined, kind);
          assert.equal(h.get('x-auto-response-suppress'), automatic ? 'All' : undefined, kind);
          assert.equal(h.get('x-frontline-case'), caseId, kind);
          assert.equal(h.get('disposition-notification-to'), undefined, `${kind}: no read receipt asked`);
          assert.equal(h.get('return-receipt-to'), undefined, kind);
        }
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}
