import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

for (const dialect of await dialects()) {
  describe(`contacts and verification on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    let mei: Awaited<ReturnType<typeof buildCustomer>>;
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      mei = await buildCustomer(t, {
        displayName: 'Tan Mei Ling',
        idNumber: 'S8123456D',
        dateOfBirth: '1980-05-17',
        phones: [{ kind: 'mobile', number: '+65 9123 4567' }],
        emails: ['Mei.Ling@Example.com'],
        address: 'Blk 12 Tampines St 34, #05-678, Singapore 520012',
      });
    });
    after(() => t.close());

    const verify = (contactId: string, answers: { particular: string; value: string }[], role = 'officer') =>
      t.call(role as 'officer', 'POST', `/api/v1/contacts/${contactId}/verification`, { answers });

    test('each answer is compared with the record as the search keys are, and the record is never returned', async () => {
      const cases: [string, string, string][] = [
        ['name', 'ling tan mei', 'match'],
        ['name', 'Tan Mei Hua', 'mismatch'],
        ['id_number', 's 8123-456 d', 'match'],
        ['service_number', '0065 9123 4567', 'match'],
        ['service_number', mei.account.services[0]!.number.replace(/\D/g, '').slice(-8), 'match'],
        ['date_of_birth', '17.05.1980', 'match'],
        ['date_of_birth', '1980-05-18', 'mismatch'],
        ['account_number', mei.account.accountNumber.toLowerCase(), 'match'],
        ['email', ' MEI.LING@example.COM ', 'match'],
        ['address', 'blk 12 tampines st 34 #05-678 singapore 520012', 'match'],
        ['security_answer', 'blue', 'no_record'],
      ];
      for (const [particular, value, want] of cases) {
        const contact = await buildContact(t, mei.id);
        const r = await verify(contact.id, [{ particular, value }]);
        assert.equal(r.statusCode, 201, r.body);
        assert.deepEqual(r.data.checks, [{ particular, result: want }], `${particular} "${value}"`);
        for (const secret of ['S8123456D', '1980-05-17', 'Mei.Ling@Example.com', mei.account.accountNumber])
          assert.ok(!r.body.includes(secret), `the answer must not reveal ${secret}`);
      }
    });

    test('the verification state is the contact’s: it comes back with the contact after a reload', async () => {
      const contact = await buildContact(t, mei.id);
      await verify(contact.id, [{ particular: 'name', value: 'Tan Mei Ling' }]);
      const r = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.deepEqual(r.data.verification.checks, [{ particular: 'name', result: 'match' }]);
      assert.equal(r.data.verified, false);
      assert.ok(r.data.verification.missing.includes('id_number'));
      await verify(contact.id, [{ particular: 'id_number', value: 'S8123456D' }]);
      const again = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.equal(again.data.verified, true);
      assert.equal(again.data.verification.satisfiesPolicy, true);
    });

    test('repeated mismatches lock verification on the contact and tell the team leader once', async () => {
      const contact = await buildContact(t, mei.id);
      await verify(contact.id, [{ particular: 'id_number', value: 'S0000001A' }]);
      await verify(contact.id, [{ particular: 'date_of_birth', value: '1990-01-01' }]);
      const third = await verify(contact.id, [{ particular: 'name', value: 'Someone Else' }]);
      assert.equal(third.statusCode, 201);
      assert.equal(third.data.state.locked, true);
      assert.equal(third.data.state.mismatches, 3);
      // Locked: even the right answers are refused now, and nothing is recorded.
      const rows0 = await t.ctx.store.db
        .selectFrom('contact_verifications')
        .select('id')
        .where('contact_id', '=', contact.id)
        .execute();
      const fourth = await verify(contact.id, [
        { particular: 'name', value: 'Tan Mei Ling' },
        { particular: 'id_number', value: 'S8123456D' },
      ]);
      assert.equal(fourth.statusCode, 409);
      assert.equal(fourth.data.code, 'contact.verification_locked');
      const rows1 = await t.ctx.store.db
        .selectFrom('contact_verifications')
        .select('id')
        .where('contact_id', '=', contact.id)
        .execute();
      assert.equal(rows1.length, rows0.length);
      const masked = await t.call('officer', 'GET', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      assert.equal(masked.data.masked, true);
      const told = await t.ctx.store.db
        .selectFrom('notifications')
        .selectAll()
        .where('kind', '=', 'verification.locked')
        .execute();
      assert.equal(told.length, 1);
      assert.equal(told[0]!.user_id, t.users.team_leader.id);
      assert.equal(Boolean(told[0]!.urgent), true);
      const trail = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', contact.id)
        .where('action', '=', 'contact.verification_locked')
        .execute();
      assert.equal(trail.length, 1);
    });

    test('a contact is changed only by the officer handling it; a supervisor may end an abandoned one', async () => {
      const contact = await buildContact(t, mei.id);
      for (const [method, url, body] of [
        [
          'POST',
          `/api/v1/contacts/${contact.id}/verification`,
          { answers: [{ particular: 'name', value: 'x' }] },
        ],
        ['PATCH', `/api/v1/contacts/${contact.id}`, { notes: 'mine now' }],
        ['PATCH', `/api/v1/contacts/${contact.id}`, { end: true }],
        ['PUT', `/api/v1/contacts/${contact.id}/draft`, { data: { enquiry: 'x' } }],
      ] as const) {
        const r = await t.call('trainee', method, url, body);
        assert.equal(r.statusCode, 403, `${method} ${url}`);
        assert.equal(r.data.code, 'contact.not_yours');
      }
      const row = await t.ctx.store.db
        .selectFrom('contacts')
        .selectAll()
        .where('id', '=', contact.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.notes, null);
      assert.equal(row.ended_at, null);
      const ended = await t.call('supervisor', 'PATCH', `/api/v1/contacts/${contact.id}`, { end: true });
      assert.equal(ended.statusCode, 200, ended.body);
    });

    test('a verification unmasks only through its own contact, for its officer, while open or in wrap-up', async () => {
      const contact = await buildContact(t, mei.id);
      await verify(contact.id, [
        { particular: 'name', value: 'Tan Mei Ling' },
        { particular: 'id_number', value: 'S8123456D' },
      ]);
      const as = (role: 'officer' | 'trainee') =>
        t.call(role, 'GET', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      assert.equal((await as('officer')).data.masked, false);
      // Another officer naming the same contact sees nothing more, and cannot act on the account.
      assert.equal((await as('trainee')).data.masked, true);
      const otherList = await t.call('trainee', 'GET', `/api/v1/contacts?customerId=${mei.id}`);
      assert.ok(otherList.data.items.every((c: { verified: boolean }) => !c.verified));
      const change = await t.call('trainee', 'PATCH', `/api/v1/customers/${mei.id}`, {
        contactId: contact.id,
        preferredLanguage: 'ms',
      });
      assert.equal(change.statusCode, 403);
      assert.equal(change.data.code, 'contact.not_verified');

      await t.call('officer', 'PATCH', `/api/v1/contacts/${contact.id}`, { end: true });
      clock.advance(9 * 60_000);
      assert.equal((await as('officer')).data.masked, false, 'still in wrap-up');
      clock.advance(2 * 60_000);
      assert.equal((await as('officer')).data.masked, true, 'wrap-up is over');
      const acct = await t.call('officer', 'PATCH', `/api/v1/accounts/${mei.account.id}`, {
        contactId: contact.id,
        billingAddress: '1 Late Road',
      });
      assert.equal(acct.statusCode, 403);
    });

    test('who looked at unmasked particulars, when and through which contact is recorded', async () => {
      const contact = await buildContact(t, mei.id);
      await verify(contact.id, [
        { particular: 'name', value: 'Tan Mei Ling' },
        { particular: 'date_of_birth', value: '17/05/1980' },
      ]);
      await t.call('officer', 'GET', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      await t.call('supervisor', 'GET', `/api/v1/customers/${mei.id}`);
      // A masked view is not a view of particulars.
      await t.call('trainee', 'GET', `/api/v1/customers/${mei.id}`);
      const views = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', mei.id)
        .where('action', '=', 'customer.particulars_viewed')
        .orderBy('at')
        .execute();
      const byOfficer = views.filter((v) => v.actor_id === t.users.officer.id);
      assert.ok(byOfficer.some((v) => parse(v.after).contactId === contact.id));
      assert.ok(views.some((v) => v.actor_id === t.users.supervisor.id && parse(v.after).by === 'role'));
      assert.ok(!views.some((v) => v.actor_id === t.users.trainee.id));
      // A supervisor's search list shows ID numbers unmasked: each customer listed is a view too.
      const hits = await t.call('supervisor', 'GET', '/api/v1/customers?q=S8123456D');
      assert.equal(hits.data.items[0].idNumber, 'S8123456D');
      const listed = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', mei.id)
        .where('action', '=', 'customer.particulars_viewed')
        .where('actor_id', '=', t.users.supervisor.id)
        .execute();
      assert.ok(listed.some((v) => parse(v.after).in === 'list'));
      // An officer's masked list is not.
      const before = (await t.ctx.store.db.selectFrom('audit_log').select('id').execute()).length;
      await t.call('officer', 'GET', '/api/v1/customers?q=S8123456D');
      assert.equal((await t.ctx.store.db.selectFrom('audit_log').select('id').execute()).length, before);
    });

    test('a wrong customer pick can be changed until a case is logged, and the change is audited', async () => {
      const wrong = await buildCustomer(t);
      const contact = await buildContact(t, wrong.id);
      const fix = await t.call('officer', 'PATCH', `/api/v1/contacts/${contact.id}`, { customerId: mei.id });
      assert.equal(fix.statusCode, 200, fix.body);
      assert.equal(fix.data.customerId, mei.id);
      const trail = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', contact.id)
        .where('action', '=', 'contact.customer_changed')
        .executeTakeFirstOrThrow();
      assert.equal(parse(trail.before).customer_id, wrong.id);
      assert.equal(parse(trail.after).customer_id, mei.id);
      await t.call('officer', 'POST', '/api/v1/cases', {
        contactId: contact.id,
        type: 'complaint',
        subject: 'x',
      });
      const late = await t.call('officer', 'PATCH', `/api/v1/contacts/${contact.id}`, {
        customerId: wrong.id,
      });
      assert.equal(late.statusCode, 409);
      assert.equal(late.data.code, 'contact.has_cases');
      assert.equal(late.data.errors[0].field, '/body/customerId');
      const now = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.equal(now.data.customerId, mei.id);
    });

    test('the contact in progress and its draft are server state, for its officer only', async () => {
      // The officer's earlier test contacts are still open: end them so "current" is this one.
      await t.ctx.store.db
        .updateTable('contacts')
        .set({ ended_at: clock.now().toISOString() })
        .where('ended_at', 'is', null)
        .execute();
      assert.deepEqual((await t.call('officer', 'GET', '/api/v1/contacts/current')).data, { contact: null });
      const c = await t.call('officer', 'POST', '/api/v1/contacts', {
        channel: 'phone',
        direction: 'inbound',
      });
      const draft = {
        enquiry: 'Bill is wrong',
        type: 'complaint',
        outcome: 'follow_up',
        summary: 'Call back Friday',
      };
      const put = await t.call('officer', 'PUT', `/api/v1/contacts/${c.data.id}/draft`, { data: draft });
      assert.equal(put.statusCode, 204, put.body);
      const current = await t.call('officer', 'GET', '/api/v1/contacts/current');
      assert.equal(current.data.contact.id, c.data.id);
      assert.deepEqual(current.data.contact.draft, draft);
      // Saved again: replaced, not merged.
      await t.call('officer', 'PUT', `/api/v1/contacts/${c.data.id}/draft`, { data: { enquiry: 'Bill' } });
      assert.deepEqual((await t.call('officer', 'GET', `/api/v1/contacts/${c.data.id}`)).data.draft, {
        enquiry: 'Bill',
      });
      // Someone else reading the contact does not see the handler's unsaved form.
      assert.equal((await t.call('team_leader', 'GET', `/api/v1/contacts/${c.data.id}`)).data.draft, null);
      assert.deepEqual((await t.call('trainee', 'GET', '/api/v1/contacts/current')).data, { contact: null });
      // Ended: no longer in progress, and the draft is gone.
      await t.call('officer', 'PATCH', `/api/v1/contacts/${c.data.id}`, { end: true });
      assert.deepEqual((await t.call('officer', 'GET', '/api/v1/contacts/current')).data, { contact: null });
      const left = await t.ctx.store.db
        .selectFrom('contact_drafts')
        .select('contact_id')
        .where('contact_id', '=', c.data.id)
        .execute();
      assert.equal(left.length, 0);
    });

    test('a trainer reads contacts with the caller number and particulars in the notes masked', async () => {
      const c = await t.services.contacts.create(t.users.officer.actor, {
        channel: 'phone',
        direction: 'inbound',
        customerId: mei.id,
        fromAddress: '+65 9123 4567',
        notes: 'Caller gave NRIC S8123456D and asked about mei.ling@example.com billing',
      });
      const asTrainer = await t.call('trainer', 'GET', `/api/v1/contacts/${c.id}`);
      assert.ok(!asTrainer.body.includes('9123 4567'), asTrainer.body);
      assert.ok(!asTrainer.body.includes('8123456'), asTrainer.body);
      assert.ok(!asTrainer.body.includes('mei.ling@'), asTrainer.body);
      assert.match(asTrainer.data.notes, /Caller gave NRIC .*billing/);
      const asOfficer = await t.call('officer', 'GET', `/api/v1/contacts/${c.id}`);
      assert.equal(asOfficer.data.fromAddress, '+65 9123 4567');
    });
  });
}
