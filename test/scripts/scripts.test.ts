import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedTemplatesAndScripts } from '../../src/server/modules/scripts/demo-content.ts';
import { scriptProblems } from '../../src/server/modules/scripts/graph.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { renderTemplate, scanTemplate } from '../../src/shared/templating.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildCustomer, buildSla, buildVerifiedContact } from '../helpers/factories.ts';

const count = async (t: TestApp, table: 'templates' | 'call_scripts' | 'audit_log') =>
  Number(
    (
      await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const auditOf = (t: TestApp, id: string) =>
  t.ctx.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();

/** A payment-extension script with a branch, as a team leader would write it. */
const EXTENSION = {
  name: 'Payment extension',
  steps: [
    { id: 'greet', title: 'Greet', text: 'Hello {{customer.name}}, about {{case.reference}}.', next: 'why' },
    {
      id: 'why',
      title: 'Ask why',
      text: 'Why do you need more time?',
      choices: [
        { label: 'Hardship', next: 'offer' },
        { label: 'Dispute', next: 'close' },
      ],
    },
    { id: 'offer', title: 'Offer', text: 'Can you pay by {{case.dueAt}}, {{customer.name}}?', next: 'close' },
    { id: 'close', title: 'Close', text: 'Thank you for calling, {{officer.name}} speaking.' },
  ],
};

describe('template language (pure)', () => {
  test('scan: known variables in order, unknown and unpaired placeholders reported', () => {
    assert.deepEqual(scanTemplate('Hi {{ customer.name }}, {{case.reference}} {{customer.name}}'), {
      used: ['customer.name', 'case.reference'],
      problems: [],
    });
    assert.deepEqual(scanTemplate('{{customer.nickname}} {{}} {{case.reference').problems, [
      {
        rule: 'unknownVariable',
        params: { placeholder: '{{customer.nickname}}' },
        message: 'uses an unknown variable {{customer.nickname}}',
      },
      { rule: 'emptyPlaceholder', params: { placeholder: '{{}}' }, message: 'has an empty placeholder {{}}' },
      {
        rule: 'unpairedBraces',
        params: { open: '{{', close: '}}' },
        message: 'has a {{ or }} without its pair',
      },
    ]);
  });

  test('render: one pass, so a value that looks like a placeholder stays as written', () => {
    const r = renderTemplate('Dear {{customer.name}}, ref {{case.reference}}, due {{case.dueAt}}', {
      'customer.name': { value: '{{case.reference}} <b>Tan</b>' },
      'case.reference': { value: 'CS-000001' },
    });
    assert.equal(r.text, 'Dear {{case.reference}} <b>Tan</b>, ref CS-000001, due [resolution due]');
    assert.deepEqual(r.missing, ['case.dueAt']);
  });

  test('graph: a dangling branch, then (once targets resolve) unreachable steps and endless loops', () => {
    const steps = [
      {
        id: 'a',
        title: 'A',
        text: '?',
        choices: [
          { label: 'x', next: 'b' },
          { label: 'y', next: 'e' },
        ],
      },
      { id: 'b', title: 'B', text: '?', next: 'c' },
      { id: 'c', title: 'C', text: '?', next: 'b' },
      { id: 'd', title: 'D', text: 'orphan' },
      { id: 'e', title: 'E', text: 'end' },
    ];
    assert.deepEqual(
      scriptProblems(steps).map((p) => p.field),
      ['/body/steps/1', '/body/steps/2', '/body/steps/3'],
    );
    const dangling = structuredClone(steps);
    dangling[0]!.choices![1]!.next = 'zz';
    assert.deepEqual(scriptProblems(dangling), [
      {
        field: '/body/steps/0/choices/1/next',
        message: 'names no step: "zz"',
        rule: 'noSuchStep',
        params: { id: 'zz' },
      },
    ]);
    assert.deepEqual(scriptProblems(EXTENSION.steps), []);
  });
});

for (const dialect of await dialects()) {
  describe(`templates and call scripts on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
      // Cases get a resolution due time from this policy (calendar in Asia/Singapore).
      await buildSla(t);
    });
    after(() => t?.close());

    test('an e-mail template previewed with a real case: customer, reference, officer, due date in the centre’s zone', async () => {
      const created = await t.call('team_leader', 'POST', '/api/v1/templates', {
        kind: 'email',
        name: 'Acknowledgement',
        subject: 'Your case {{case.reference}}',
        body: 'Dear {{customer.name}},\nWe aim to resolve "{{case.subject}}" by {{case.dueAt}}.\nOpened {{case.createdAt}}, today is {{today}}.\n{{officer.name}}, {{department.name}} {{department.phone}}',
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(created.data.variables, [
        'case.reference',
        'customer.name',
        'case.subject',
        'case.dueAt',
        'case.createdAt',
        'today',
        'officer.name',
        'department.name',
        'department.phone',
      ]);
      const { case: c, customer } = await buildCase(t, { subject: 'Charged twice' });
      assert.ok(c.resolutionDueAt, 'the SLA policy set a due time');

      const r = await t.call('officer', 'POST', `/api/v1/templates/${created.data.id}/preview`, {
        caseId: c.id,
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.subject, `Your case ${c.reference}`);
      const [dear, aim, opened, sign] = r.data.text.split('\n');
      assert.equal(dear, `Dear ${customer.displayName},`);
      // Office hours on Mondays only, 09:00–17:00 Singapore; 600 minutes from Monday 23rd 17:00 SGT.
      assert.equal(aim, 'We aim to resolve "Charged twice" by Monday, 7 December 2026 at 11:00.');
      assert.equal(opened, 'Opened 23 November 2026, today is 23 November 2026.');
      // The officer using it; the case has no department yet and test officers belong to none.
      assert.equal(sign, 'Test officer, [department name] [department phone]');
      assert.deepEqual(r.data.missing, ['department.name', 'department.phone']);
      assert.deepEqual(r.data.masked, []);

      // Referred to Billing, the case's department fills the gap.
      await t.services.cases.refer(t.users.officer.actor, c.id, {
        mode: 'transfer',
        departmentId: t.department.id,
        reason: 'Billing to check',
      });
      const again = await t.call('trainee', 'POST', `/api/v1/templates/${created.data.id}/preview`, {
        caseId: c.id,
      });
      assert.match(again.data.text, /\nTest trainee, Billing \+65 6100 2000$/);
      assert.deepEqual(again.data.missing, []);
    });

    test('particulars stay masked until the customer is verified on the contact (or the role sees them)', async () => {
      const tpl = await t.services.templates.create(SYSTEM_ACTOR, {
        kind: 'sms',
        name: 'Particulars',
        body: '{{customer.name}} / {{customer.mobile}} / {{account.number}} / {{account.balance}}',
      });
      const { customer, contact } = await buildVerifiedContact(t);
      // The factory's customer is presented masked to its officer: read the stored particulars.
      const row = await t.ctx.store.db
        .selectFrom('customers')
        .select('phones')
        .where('id', '=', customer.id)
        .executeTakeFirstOrThrow();
      const mobile = parseJson<{ number: string }[]>(row.phones, [])[0]!.number;
      const account = customer.account.accountNumber;
      const url = `/api/v1/templates/${tpl.id}/preview`;

      const masked = await t.call('officer', 'POST', url, { customerId: customer.id });
      assert.equal(masked.statusCode, 200, masked.body);
      assert.equal(
        masked.data.text,
        `${customer.displayName} / ${'*'.repeat(mobile.length - 4)}${mobile.slice(-4)} / ${'*'.repeat(account.length - 4)}${account.slice(-4)} / [hidden until verified]`,
      );
      assert.deepEqual(masked.data.masked, ['customer.mobile', 'account.number', 'account.balance']);
      assert.ok(!masked.body.includes(mobile) && !masked.body.includes(account), 'nothing unmasked leaks');
      // The trainer reads records masked, always.
      const trainer = await t.call('trainer', 'POST', url, {
        customerId: customer.id,
        contactId: contact.id,
      });
      assert.deepEqual(trainer.data.masked, ['customer.mobile', 'account.number', 'account.balance']);

      const verified = await t.call('officer', 'POST', url, {
        customerId: customer.id,
        contactId: contact.id,
      });
      assert.equal(verified.data.text, `${customer.displayName} / ${mobile} / ${account} / SGD 0.00`);
      assert.deepEqual(verified.data.masked, []);
      // The contact alone names the customer.
      assert.equal(
        (await t.call('officer', 'POST', url, { contactId: contact.id })).data.text,
        verified.data.text,
      );
      const supervisor = await t.call('supervisor', 'POST', url, { customerId: customer.id });
      assert.equal(supervisor.data.text, verified.data.text, 'supervisors see particulars');
    });

    test('values are inserted as plain text, never expanded again', async () => {
      const tpl = await t.services.templates.create(SYSTEM_ACTOR, {
        kind: 'phrase',
        name: 'Greeting by name',
        body: 'Hello {{customer.name}} ({{case.reference}})',
      });
      const sneaky = await buildCustomer(t, {
        displayName: '{{case.reference}} <img src=x onerror=alert(1)>',
      });
      const r = await t.call('officer', 'POST', `/api/v1/templates/${tpl.id}/preview`, {
        customerId: sneaky.id,
      });
      assert.equal(r.data.text, 'Hello {{case.reference}} <img src=x onerror=alert(1)> ([case reference])');
      assert.deepEqual(r.data.missing, ['case.reference']);
    });

    test('an unknown variable is refused at save, naming the field; nothing is written', async () => {
      const [templates0, audit0] = [await count(t, 'templates'), await count(t, 'audit_log')];
      const r = await t.call('supervisor', 'POST', '/api/v1/templates', {
        kind: 'phrase',
        name: 'Typo',
        body: 'Dear {{customer.fullName}}',
      });
      assert.equal(r.statusCode, 400);
      assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.deepEqual(r.data.errors, [
        {
          field: '/body/body',
          message: 'uses an unknown variable {{customer.fullName}}',
          rule: 'unknownVariable',
          params: { placeholder: '{{customer.fullName}}' },
        },
      ]);
      assert.equal(await count(t, 'templates'), templates0);
      assert.equal(await count(t, 'audit_log'), audit0);
    });

    test('officers and trainees use templates but may not write them; trainers neither', async () => {
      const [templates0, audit0] = [await count(t, 'templates'), await count(t, 'audit_log')];
      for (const role of ['officer', 'trainee', 'trainer'] as const) {
        const r = await t.call(role, 'POST', '/api/v1/templates', {
          kind: 'phrase',
          name: 'Mine',
          body: 'x',
        });
        assert.equal(r.statusCode, 403, role);
        assert.equal(r.data.code, 'auth.forbidden');
      }
      const some = (await t.call('officer', 'GET', '/api/v1/templates')).data.items[0];
      const patch = await t.call('officer', 'PATCH', `/api/v1/templates/${some.id}`, { body: 'changed' });
      assert.equal(patch.statusCode, 403);
      assert.equal(await count(t, 'templates'), templates0);
      assert.equal(await count(t, 'audit_log'), audit0);
    });

    test('every change is audited with who, before and after; archiving takes it out of the pickers', async () => {
      const created = await t.call('team_leader', 'POST', '/api/v1/templates', {
        kind: 'phrase',
        name: 'Hold please',
        body: 'May I put you on hold, {{customer.name}}?',
      });
      const id = created.data.id;
      const edited = await t.call('supervisor', 'PATCH', `/api/v1/templates/${id}`, {
        body: 'May I put you on hold for a minute, {{customer.name}}?',
      });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal(edited.data.version, 2);
      assert.equal(edited.data.updatedByName, 'Test supervisor');
      const archived = await t.call('supervisor', 'PATCH', `/api/v1/templates/${id}`, { active: false });
      assert.equal(archived.data.active, false);

      const rows = await auditOf(t, id);
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor_id, r.entity_type]),
        [
          ['template.created', t.users.team_leader.id, 'template'],
          ['template.updated', t.users.supervisor.id, 'template'],
          ['template.updated', t.users.supervisor.id, 'template'],
        ],
      );
      assert.deepEqual(parseJson(rows[1]!.before, {}), { body: 'May I put you on hold, {{customer.name}}?' });
      assert.deepEqual(parseJson(rows[1]!.after, {}), {
        body: 'May I put you on hold for a minute, {{customer.name}}?',
      });
      assert.deepEqual(parseJson(rows[2]!.after, {}), { active: false });

      const names = async (q: string) =>
        (await t.call('officer', 'GET', `/api/v1/templates?${q}`)).data.items.map(
          (x: { name: string }) => x.name,
        );
      assert.ok(!(await names('kind=phrase')).includes('Hold please'), 'archived: out of the picker');
      assert.ok((await names('kind=phrase&includeInactive=true')).includes('Hold please'));
      assert.deepEqual(await names('q=HOLD&includeInactive=true'), ['Hold please']);
      assert.deepEqual(await names('q=%25&includeInactive=true'), [], 'a % is a character, not a wildcard');
      const preview = await t.call('officer', 'POST', `/api/v1/templates/${id}/preview`, {});
      assert.equal(preview.statusCode, 409);
      assert.equal(preview.data.code, 'template.archived');
    });

    test('a call script with branches: saved, read back with end steps, each step previewed with the case', async () => {
      const created = await t.call('team_leader', 'POST', '/api/v1/scripts', EXTENSION);
      assert.equal(created.statusCode, 201, created.body);
      const s = created.data;
      assert.deepEqual(
        s.steps.map((x: { id: string; next: string | null; end: boolean }) => [x.id, x.next, x.end]),
        [
          ['greet', 'why', false],
          ['why', null, false],
          ['offer', 'close', false],
          ['close', null, true],
        ],
      );
      assert.deepEqual(s.steps[1].choices, [
        { label: 'Hardship', next: 'offer' },
        { label: 'Dispute', next: 'close' },
      ]);
      assert.deepEqual(s.variables, ['customer.name', 'case.reference', 'case.dueAt', 'officer.name']);
      assert.deepEqual(
        (await t.call('trainee', 'GET', '/api/v1/scripts')).data.items.map((x: { name: string }) => x.name),
        ['Payment extension'],
      );

      const { case: c, customer } = await buildCase(t);
      const all = await t.call('officer', 'POST', `/api/v1/scripts/${s.id}/preview`, { caseId: c.id });
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(
        all.data.steps.map((x: { text: string }) => x.text),
        [
          `Hello ${customer.displayName}, about ${c.reference}.`,
          'Why do you need more time?',
          `Can you pay by Monday, 7 December 2026 at 11:00, ${customer.displayName}?`,
          'Thank you for calling, Test officer speaking.',
        ],
      );
      assert.deepEqual(all.data.missing, []);
      const one = await t.call('officer', 'POST', `/api/v1/scripts/${s.id}/preview`, {
        stepId: 'offer',
        customerId: customer.id,
      });
      assert.deepEqual(one.data.steps, [
        {
          id: 'offer',
          title: 'Offer',
          text: `Can you pay by [resolution due], ${customer.displayName}?`,
          variables: ['case.dueAt', 'customer.name'],
          missing: ['case.dueAt'],
          masked: [],
        },
      ]);
    });

    test('a script whose branch leads nowhere, or with a step no one reaches, is refused; nothing is written', async () => {
      const [scripts0, audit0] = [await count(t, 'call_scripts'), await count(t, 'audit_log')];
      const dangling = structuredClone(EXTENSION);
      dangling.name = 'Dangling';
      dangling.steps[1]!.choices![1]!.next = 'refund';
      const r1 = await t.call('supervisor', 'POST', '/api/v1/scripts', dangling);
      assert.equal(r1.statusCode, 400);
      assert.deepEqual(r1.data.errors, [
        {
          field: '/body/steps/1/choices/1/next',
          message: 'names no step: "refund"',
          rule: 'noSuchStep',
          params: { id: 'refund' },
        },
      ]);
      const orphan = structuredClone(EXTENSION);
      orphan.name = 'Orphan';
      orphan.steps.push({ id: 'later', title: 'Later', text: 'Never reached.' });
      const r2 = await t.call('supervisor', 'POST', '/api/v1/scripts', orphan);
      assert.equal(r2.statusCode, 400);
      assert.deepEqual(r2.data.errors, [
        { field: '/body/steps/4', message: 'cannot be reached from the first step', rule: 'unreachableStep' },
      ]);
      const officer = await t.call('officer', 'POST', '/api/v1/scripts', { ...EXTENSION, name: 'Mine' });
      assert.equal(officer.statusCode, 403);
      assert.equal(await count(t, 'call_scripts'), scripts0);
      assert.equal(await count(t, 'audit_log'), audit0);
    });

    test('editing the steps is audited; the old steps are kept in the trail', async () => {
      const s = await t.services.scripts.create(t.users.supervisor.actor, {
        name: 'Short',
        steps: [{ id: 'only', title: 'Only', text: 'Hello.' }],
      });
      const steps = [
        { id: 'only', title: 'Only', text: 'Hello {{customer.name}}.', next: 'bye' },
        { id: 'bye', title: 'Bye', text: 'Goodbye.' },
      ];
      const r = await t.call('team_leader', 'PATCH', `/api/v1/scripts/${s.id}`, { steps });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.version, 2);
      const rows = await auditOf(t, s.id);
      assert.deepEqual(
        rows.map((x) => [x.action, x.actor_id, x.entity_type]),
        [
          ['script.created', t.users.supervisor.id, 'call_script'],
          ['script.updated', t.users.team_leader.id, 'call_script'],
        ],
      );
      const before = parseJson<{ steps: { text: string }[] }>(rows[1]!.before, { steps: [] });
      const afterSteps = parseJson<{ steps: { text: string }[] }>(rows[1]!.after, { steps: [] });
      assert.deepEqual(
        before.steps.map((x) => x.text),
        ['Hello.'],
      );
      assert.deepEqual(
        afterSteps.steps.map((x) => x.text),
        ['Hello {{customer.name}}.', 'Goodbye.'],
      );
    });

    test('the demo content is valid: phrases, e-mail and SMS templates, and the payment-extension script', async () => {
      const fresh = await makeTestApp(dialect);
      try {
        await seedTemplatesAndScripts(fresh.services, SYSTEM_ACTOR);
        const kinds = (await fresh.call('officer', 'GET', '/api/v1/templates')).data.items.map(
          (x: { kind: string }) => x.kind,
        );
        assert.deepEqual([...new Set(kinds)].sort(), ['email', 'phrase', 'sms']);
        const scripts = (await fresh.call('officer', 'GET', '/api/v1/scripts')).data.items;
        const ext = scripts.find((x: { name: string }) => x.name === 'Payment extension');
        assert.ok(ext, 'the payment-extension script is seeded');
        const full = (await fresh.call('officer', 'GET', `/api/v1/scripts/${ext.id}`)).data;
        assert.ok(
          full.steps.some((x: { choices: unknown[] }) => x.choices.length >= 2),
          'it branches',
        );
      } finally {
        await fresh.close();
      }
    });
  });
}
