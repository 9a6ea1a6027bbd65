import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { acknowledgementText } from '../../src/server/modules/messages/inbound.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

/**
 * A mailbox's first-response target (issue 13, point 2) applies to the cases its mail opens: the
 * sooner of it and the policy's, counted in the policy's business calendar, kept when the policy
 * is chosen again, quoted by the acknowledgement, and named as the source on the SLA panel.
 *
 * Now is Monday 23 November 2026 17:00 in Singapore (09:00Z); the office is open 09:00–18:00 on
 * weekdays. A 90-minute target is due at 18:00 Monday plus 30 minutes on Tuesday: 09:30 SGT,
 * 01:30Z (around the clock it would be 10:30Z Monday). The policy's 240 minutes: 12:00 SGT Tuesday.
 */
const MAILBOX_DUE = '2026-11-24T01:30:00.000Z';
const POLICY_DUE = '2026-11-24T04:00:00.000Z';

async function centre(t: TestApp) {
  const weekdays = Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]]));
  const calendar = await t.services.calendars.create(SYSTEM_ACTOR, {
    name: 'Office',
    timeZone: 'Asia/Singapore',
    hours: weekdays,
  });
  await t.services.policies.create(SYSTEM_ACTOR, {
    name: 'Standard',
    position: 100,
    calendarId: calendar.id,
    conditions: {},
    firstResponseMinutes: 240,
    resolutionMinutes: 2400,
  });
  await t.services.policies.create(SYSTEM_ACTOR, {
    name: 'Urgent',
    position: 10,
    calendarId: calendar.id,
    conditions: { priorities: ['urgent'] },
    firstResponseMinutes: 30,
    resolutionMinutes: 600,
  });
  const mailbox = async (address: string, firstResponseMinutes: number | null) => {
    const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
      address,
      displayName: 'Support',
      inbound: 'smtp',
      teamId: t.team.id,
      ...(firstResponseMinutes === null ? {} : { firstResponseMinutes }),
    });
    return async (from: string) => {
      const r = await t.services.inbound.receive({
        channel: 'email',
        raw: mail({ from, to: address }),
        transport: 'api',
        endpointId: box.id,
      });
      assert.ok(r.outcome?.result === 'message', JSON.stringify(r.outcome));
      assert.ok(r.outcome.acknowledgementId, 'acknowledged');
      const c = await t.services.cases.row(t.ctx.store.db, r.outcome.caseId);
      const ack = await t.ctx.store.db
        .selectFrom('messages')
        .select('body_text')
        .where('id', '=', r.outcome.acknowledgementId)
        .executeTakeFirstOrThrow();
      const sla = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/sla`);
      assert.equal(sla.statusCode, 200, sla.body);
      const clock = (kind: string) =>
        sla.data.clocks.find((k: { kind: string }) => k.kind === kind) as {
          targetMinutes: number;
          dueAt: string;
          targetFrom: { kind: string; name: string } | null;
        };
      return { c, ack: ack.body_text, clock };
    };
  };
  return { mailbox };
}

for (const dialect of await dialects()) {
  describe(`a mailbox's first-response target on ${dialect}`, () => {
    test('tighter than the policy: the case is due by it in business time, the acknowledgement quotes it, the panel names the mailbox; the policy chosen again keeps it', async () => {
      const t = await makeTestApp(dialect, { clock: fixedClock('2026-11-23T09:00:00.000Z') });
      try {
        const { mailbox } = await centre(t);
        const receive = await mailbox('vip@centre.example', 90);
        const { c, ack, clock } = await receive('Ana <ana@customer.example>');
        assert.equal(c.first_response_due_at, MAILBOX_DUE);
        assert.equal(clock('first_response').targetMinutes, 90);
        assert.deepEqual(clock('first_response').targetFrom, { kind: 'mailbox', name: 'vip@centre.example' });
        assert.deepEqual(clock('resolution').targetFrom, { kind: 'policy', name: 'Standard' });
        // The acknowledgement's due time is this one, not the policy's.
        assert.equal(ack, acknowledgementText(c.reference, MAILBOX_DUE));
        assert.match(ack, /Tuesday,? 24 November 2026 at 01:30 \(UTC\)/);

        // Urgent: its policy's 30 minutes are tighter still, and win.
        const up = await t.services.cases.update(
          t.users.supervisor.actor,
          c.id,
          { priority: 'urgent' },
          undefined,
        );
        assert.equal(up.priority, 'urgent');
        const urgent = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/sla`);
        const fr = urgent.data.clocks.find((k: { kind: string }) => k.kind === 'first_response');
        assert.equal(fr.targetMinutes, 30);
        assert.deepEqual(fr.targetFrom, { kind: 'policy', name: 'Urgent' });
        // Back to normal: the Standard policy again, still tightened by the mailbox.
        await t.services.cases.update(t.users.supervisor.actor, c.id, { priority: 'normal' }, undefined);
        const back = await t.services.cases.row(t.ctx.store.db, c.id);
        assert.equal(back.first_response_due_at, MAILBOX_DUE);
        const after = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/sla`);
        const fr2 = after.data.clocks.find((k: { kind: string }) => k.kind === 'first_response');
        assert.equal(fr2.targetMinutes, 90);
        assert.deepEqual(fr2.targetFrom, { kind: 'mailbox', name: 'vip@centre.example' });
      } finally {
        await t.close();
      }
    });

    test("no target on the mailbox, or a looser one: the policy's stands and the panel names the policy", async () => {
      const t = await makeTestApp(dialect, { clock: fixedClock('2026-11-23T09:00:00.000Z') });
      try {
        const { mailbox } = await centre(t);
        for (const [address, minutes] of [
          ['support@centre.example', null],
          ['slow@centre.example', 480],
        ] as const) {
          const receive = await mailbox(address, minutes);
          const { c, ack, clock } = await receive(`someone@${address.split('@')[0]}.example`);
          assert.equal(c.first_response_due_at, POLICY_DUE, address);
          assert.equal(clock('first_response').targetMinutes, 240);
          assert.deepEqual(clock('first_response').targetFrom, { kind: 'policy', name: 'Standard' });
          assert.equal(ack, acknowledgementText(c.reference, POLICY_DUE));
        }
        // The looser target is kept with its case all the same: a policy chosen later may be looser still.
        const rows = await t.ctx.store.db.selectFrom('sla_case_targets').selectAll().execute();
        assert.deepEqual(
          rows.map((r) => [r.clock, r.target_minutes, r.source, r.source_name]),
          [['first_response', 480, 'mailbox', 'slow@centre.example']],
        );
      } finally {
        await t.close();
      }
    });
  });
}
