import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { columnTypes } from '../../src/server/platform/db/migrate.ts';
import { up } from '../../src/server/platform/db/migrations/202612021100_one_template_syntax.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const ALWAYS = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]));
const MIN = 60_000;
const T0 = '2026-11-23T09:00:00.000Z'; // a Monday; 17:00 in Singapore

/** A fresh app with one 24/7 calendar in `timeZone` and a 4-hour resolution target. */
async function setup(dialect: 'sqlite' | 'postgres', timeZone: string) {
  const clock = fixedClock(T0);
  const t = await makeTestApp(dialect, { clock });
  const cal = await t.call('supervisor', 'POST', '/api/v1/calendars', {
    name: 'Hotline',
    timeZone,
    hours: ALWAYS,
  });
  assert.equal(cal.statusCode, 201);
  const policy = await t.call('supervisor', 'POST', '/api/v1/sla-policies', {
    name: 'Standard',
    position: 10,
    calendarId: cal.data.id,
    conditions: {},
    resolutionMinutes: 240,
    nextUpdateMinutes: 600,
  });
  assert.equal(policy.statusCode, 201, JSON.stringify(policy.data));
  const step = async (minutes: number) => {
    clock.advance(minutes * MIN);
    return t.services.background.tick();
  };
  return { t, step };
}

const draftOf = async (t: TestApp, caseId: string) => {
  const r = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/progress-update`);
  assert.equal(r.statusCode, 200, JSON.stringify(r.data));
  return r.data as { needed: boolean; body: string; resolutionDueAt: string };
};

/** What each store of customer-facing text answers for the same bad placeholder, by field. */
async function problemsEverywhere(t: TestApp, text: string) {
  const messages = (r: { statusCode: number; data: { errors?: { field: string; message: string }[] } }) => {
    assert.equal(r.statusCode, 400, JSON.stringify(r.data));
    return (r.data.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  };
  return {
    template: messages(
      await t.call('team_leader', 'POST', '/api/v1/templates', { kind: 'sms', name: 'Bad', body: text }),
    ),
    script: messages(
      await t.call('team_leader', 'POST', '/api/v1/scripts', {
        name: 'Bad',
        steps: [{ id: 'a', title: 'A', text }],
      }),
    ),
    progressUpdate: messages(
      await t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
        urgentAckMinutes: 15,
        progressUpdateTemplate: text,
      }),
    ),
    greeting: messages(
      await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', { greeting: text, closing: 'Goodbye.' }),
    ),
  };
}

for (const dialect of await dialects()) {
  describe(`progress updates in the one template syntax on ${dialect}`, () => {
    test('a case in an Asia/Singapore calendar: the draft shows its due time in Singapore, not UTC', async () => {
      const { t, step } = await setup(dialect, 'Asia/Singapore');
      try {
        const { case: c, customer } = await buildCase(t);
        assert.equal(c.resolutionDueAt, '2026-11-23T13:00:00.000Z');
        await step(181);
        const draft = await draftOf(t, c.id);
        assert.equal(draft.needed, true);
        // 13:00 UTC is 21:00 in Singapore; the old engine wrote "Monday 23 November 2026 at 13:00 UTC".
        assert.match(draft.body, /resolved by Monday, 23 November 2026 at 21:00\./);
        assert.doesNotMatch(draft.body, /13:00|UTC/);
        assert.ok(
          draft.body.startsWith(`Dear ${customer.displayName}, this is Test officer about your case`),
        );
        assert.ok(draft.body.includes(`${c.reference} ("${c.subject}")`));
        assert.doesNotMatch(draft.body, /[{}[\]]/, 'every placeholder filled');
        // The same case previewed through a template reads the same date.
        const tpl = await t.call('team_leader', 'POST', '/api/v1/templates', {
          kind: 'sms',
          name: 'Due',
          body: 'Due {{case.dueAt}}',
        });
        const preview = await t.call('officer', 'POST', `/api/v1/templates/${tpl.data.id}/preview`, {
          caseId: c.id,
        });
        assert.equal(preview.data.text, 'Due Monday, 23 November 2026 at 21:00');
      } finally {
        await t.close();
      }
    });

    test('a UTC calendar says so; the draft names no particular, so reading it audits no unmasked view', async () => {
      const { t } = await setup(dialect, 'UTC');
      try {
        const { case: c } = await buildCase(t);
        const draft = await t.call('supervisor', 'GET', `/api/v1/cases/${c.id}/progress-update`);
        assert.match(draft.data.body, /resolved by Monday, 23 November 2026 at 13:00 UTC\./);
        const viewed = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'customer.particulars_viewed')
          .execute();
        assert.equal(viewed.length, 0);
      } finally {
        await t.close();
      }
    });

    test('the old single-brace names sent by an integration are stored in the one syntax; a particular is masked', async () => {
      const { t, step } = await setup(dialect, 'Asia/Singapore');
      try {
        const put = await t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
          urgentAckMinutes: 10,
          progressUpdateTemplate:
            'Hello {customerName}, {caseReference} is due {dueDate}. {officerName} on {subject}. {{customer.mobile}}',
        });
        assert.equal(put.statusCode, 200, JSON.stringify(put.data));
        const stored =
          'Hello {{customer.name}}, {{case.reference}} is due {{case.dueAt}}. {{officer.name}} on {{case.subject}}. {{customer.mobile}}';
        assert.equal(put.data.progressUpdateTemplate, stored);
        assert.equal(
          (await t.call('officer', 'GET', '/api/v1/settings/sla')).data.progressUpdateTemplate,
          stored,
        );
        const { case: c, customer } = await buildCase(t);
        await step(181);
        const draft = await draftOf(t, c.id);
        // A particular is shown masked, as in every preview, while no verified contact unmasks it.
        assert.match(
          draft.body,
          new RegExp(
            `^Hello ${customer.displayName}, ${c.reference} is due Monday, 23 November 2026 at 21:00\\. Test officer on ${c.subject}\\. \\*+\\d{4}$`,
          ),
        );
      } finally {
        await t.close();
      }
    });

    test('an unknown placeholder is refused in the same words by templates, scripts, the progress update and the greeting', async () => {
      const { t } = await setup(dialect, 'UTC');
      try {
        assert.deepEqual(await problemsEverywhere(t, 'Hello {{customer.nickname}}'), {
          template: ['/body/body: uses an unknown variable {{customer.nickname}}'],
          script: ['/body/steps/0/text: uses an unknown variable {{customer.nickname}}'],
          progressUpdate: ['/body/progressUpdateTemplate: uses an unknown variable {{customer.nickname}}'],
          greeting: ['/body/greeting: uses an unknown variable {{customer.nickname}}'],
        });
        // A single-brace name that is not one of the retired ones is not silently sent as written.
        const single = 'uses {nickname}: a placeholder is written {{variable}}';
        assert.deepEqual(await problemsEverywhere(t, 'Hello {nickname}'), {
          template: [`/body/body: ${single}`],
          script: [`/body/steps/0/text: ${single}`],
          progressUpdate: [`/body/progressUpdateTemplate: ${single}`],
          greeting: [`/body/greeting: ${single}`],
        });
        // The greeting is said before any customer is known: only the officer's name fills it.
        const phrases = await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', {
          greeting: 'Hello {{customer.name}}',
          closing: 'Bye',
        });
        assert.deepEqual(phrases.data.errors, [
          {
            field: '/body/greeting',
            message: 'uses {{customer.name}}, which is not available here',
            rule: 'unavailableVariable',
            params: { placeholder: '{{customer.name}}' },
          },
        ]);
        // Nothing was stored by any refusal.
        assert.equal(
          (await t.ctx.store.db.selectFrom('settings').select('key').execute()).filter((r) =>
            ['sla', 'phrases.standard'].includes(r.key),
          ).length,
          0,
        );
      } finally {
        await t.close();
      }
    });

    test('an unknown placeholder already stored (written before a variable was retired) shows as written in every preview', async () => {
      const { t, step } = await setup(dialect, 'UTC');
      try {
        const db = t.ctx.store.db;
        const text = 'Hi {{customer.name}}, {{customer.nickname}}';
        await db
          .insertInto('settings')
          .values({
            key: 'sla',
            value: JSON.stringify({ urgentAckMinutes: 15, progressUpdateTemplate: text }),
            updated_at: new Date().toISOString(),
            updated_by: null,
          })
          .execute();
        const tpl = await t.services.templates.create(SYSTEM_ACTOR, { kind: 'sms', name: 'Old', body: 'Hi' });
        await db.updateTable('templates').set({ body: text }).where('id', '=', tpl.id).execute();
        const { case: c, customer } = await buildCase(t);
        await step(1);
        const expected = `Hi ${customer.displayName}, {{customer.nickname}}`;
        assert.equal((await draftOf(t, c.id)).body, expected);
        const preview = await t.call('officer', 'POST', `/api/v1/templates/${tpl.id}/preview`, {
          caseId: c.id,
        });
        assert.equal(preview.data.text, expected);
      } finally {
        await t.close();
      }
    });

    test('the greeting in the old syntax is stored as {{officer.name}}', async () => {
      const { t } = await setup(dialect, 'UTC');
      try {
        const put = await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', {
          greeting: 'Good morning, {officer} speaking.',
          closing: 'Thank you for calling.',
        });
        assert.equal(put.statusCode, 200, JSON.stringify(put.data));
        assert.equal(put.data.greeting, 'Good morning, {{officer.name}} speaking.');
        const got = await t.call('officer', 'GET', '/api/v1/settings/phrases');
        assert.equal(got.data.greeting, 'Good morning, {{officer.name}} speaking.');
      } finally {
        await t.close();
      }
    });

    test('migration 202612021100 rewrites what a centre stored in the old syntax and leaves the rest', async () => {
      const { t } = await setup(dialect, 'UTC');
      try {
        const db = t.ctx.store.db;
        const at = new Date().toISOString();
        const old = {
          sla: {
            urgentAckMinutes: 20,
            progressUpdateTemplate:
              'Dear {customerName}, {caseReference} by {dueDate}. {notAName} — {officerName}',
          },
          'phrases.standard': { greeting: 'Hello, {officer} here.', closing: 'Bye {officer}.' },
          'another.setting': { note: 'left {alone}' },
        };
        for (const [key, value] of Object.entries(old)) {
          await db.deleteFrom('settings').where('key', '=', key).execute();
          await db
            .insertInto('settings')
            .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: null })
            .execute();
        }
        const tpl = await t.services.templates.create(SYSTEM_ACTOR, { kind: 'sms', name: 'Old', body: 'Hi' });
        // A template saved before single braces were refused: it went out with the braces in it.
        await db
          .updateTable('templates')
          .set({ body: 'Hi {customerName}, {{case.reference}}' })
          .where('id', '=', tpl.id)
          .execute();

        await up(db, columnTypes(dialect));
        await up(db, columnTypes(dialect)); // running twice changes nothing more

        const read = async (key: string) =>
          parseJson<unknown>(
            (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow())
              .value,
            null,
          );
        assert.deepEqual(await read('sla'), {
          urgentAckMinutes: 20,
          progressUpdateTemplate:
            'Dear {{customer.name}}, {{case.reference}} by {{case.dueAt}}. {notAName} — {{officer.name}}',
        });
        assert.deepEqual(await read('phrases.standard'), {
          greeting: 'Hello, {{officer.name}} here.',
          closing: 'Bye {{officer.name}}.',
        });
        assert.deepEqual(await read('another.setting'), { note: 'left {alone}' });
        const body = (
          await db.selectFrom('templates').select('body').where('id', '=', tpl.id).executeTakeFirstOrThrow()
        ).body;
        assert.equal(body, 'Hi {{customer.name}}, {{case.reference}}');
      } finally {
        await t.close();
      }
    });
  });
}
