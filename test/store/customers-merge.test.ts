import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

for (const dialect of await dialects()) {
  describe(`customer register warnings and merge on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('registering warns, naming the holder, when a phone or e-mail is taken; an ID number is refused', async () => {
      const holder = await buildCustomer(t, {
        displayName: 'Goh Siew Lan',
        idNumber: 'S7012345B',
        phones: [{ kind: 'mobile', number: '+65 9876 5432' }],
        emails: ['siew.lan@example.com'],
      });
      const check = await t.call('officer', 'POST', '/api/v1/customers/duplicates', {
        idNumber: 's7012345b',
        phones: ['9876 5432'],
        emails: ['Siew.Lan@Example.com'],
      });
      assert.equal(check.statusCode, 200, check.body);
      const fields = check.data.holders.map((h: { field: string }) => h.field).sort();
      assert.deepEqual(fields, ['emails', 'idNumber', 'phones']);
      for (const h of check.data.holders) {
        assert.equal(h.customer.id, holder.id);
        assert.equal(h.customer.displayName, 'Goh Siew Lan');
        assert.equal(h.customer.idNumber, '*****345B', 'masked for an officer');
      }
      const sup = await t.call('supervisor', 'POST', '/api/v1/customers/duplicates', {
        phones: ['98765432'],
      });
      assert.equal(sup.data.holders[0].customer.idNumber, 'S7012345B', 'unmasked for a supervisor');

      const created = await t.call('officer', 'POST', '/api/v1/customers', {
        displayName: 'Goh S L',
        phones: [{ kind: 'mobile', number: '+6598765432' }],
        emails: ['siew.lan@example.com'],
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(
        created.data.duplicates.map((d: { field: string; customer: { id: string } }) => [
          d.field,
          d.customer.id,
        ]),
        [
          ['phones', holder.id],
          ['emails', holder.id],
        ],
      );
      const refused = await t.call('officer', 'POST', '/api/v1/customers', {
        displayName: 'Someone Else',
        idNumber: 'S7012345B',
      });
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.data.code, 'customer.identifier_taken');
      assert.match(refused.data.errors[0].message, /Goh Siew Lan/);
    });

    test('merge moves accounts, contacts (with their verifications), cases and follow-ups; the loser points to the winner; audited; replay changes nothing', async () => {
      const db = t.ctx.store.db;
      const winner = await buildCustomer(t, {
        displayName: 'Lim Boon Kiat',
        phones: [{ kind: 'mobile', number: '+65 9000 1111' }],
      });
      const loser = await buildCustomer(t, {
        displayName: 'Lim B K',
        idNumber: null,
        phones: [{ kind: 'mobile', number: '+65 9000 2222' }],
        emails: ['bk.lim@example.com'],
      });
      const contact = await buildContact(t, loser.id);
      await t.services.contacts.verify(t.users.officer.actor, contact.id, {
        answers: [
          { particular: 'name', value: 'Lim B K' },
          { particular: 'date_of_birth', value: '1980-05-17' },
        ],
      });
      const kase = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'complaint',
        subject: 'Bill shows a line I never had',
      });
      const commitment = await t.services.commitments.create(t.users.officer.actor, kase.id, {
        method: 'call',
        dueAt: '2026-11-25T09:00:00.000Z',
      });

      const officer = await t.call('officer', 'POST', `/api/v1/customers/${winner.id}/merge`, {
        otherCustomerId: loser.id,
        winner: 'this',
      });
      assert.equal(officer.statusCode, 403, 'an officer may not merge');

      const r = await t.call('supervisor', 'POST', `/api/v1/customers/${loser.id}/merge`, {
        otherCustomerId: winner.id,
        winner: 'other',
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.winnerId, winner.id);
      assert.equal(r.data.loserId, loser.id);
      assert.equal(r.data.accountsMoved, 1);
      assert.equal(r.data.customer.accounts.length, 2);
      assert.deepEqual(
        r.data.customer.phones.map((p: { number: string }) => p.number),
        ['+65 9000 1111', '+65 9000 2222'],
      );
      assert.deepEqual(r.data.customer.emails.includes('bk.lim@example.com'), true);

      const rows = async () => ({
        accounts: await db
          .selectFrom('accounts')
          .select('customer_id')
          .where('id', '=', loser.account.id)
          .execute(),
        contacts: await db
          .selectFrom('contacts')
          .select('customer_id')
          .where('id', '=', contact.id)
          .execute(),
        verifications: await db
          .selectFrom('contact_verifications')
          .select('customer_id')
          .where('contact_id', '=', contact.id)
          .execute(),
        cases: await db
          .selectFrom('cases')
          .select(['customer_id', 'version'])
          .where('id', '=', kase.id)
          .execute(),
        commitments: await db
          .selectFrom('commitments')
          .select('customer_id')
          .where('id', '=', commitment.id)
          .execute(),
        loser: await db
          .selectFrom('customers')
          .select(['merged_into_id', 'merged_at', 'version'])
          .where('id', '=', loser.id)
          .execute(),
        audit: await db
          .selectFrom('audit_log')
          .select(['entity_id', 'actor_id', 'after'])
          .where('action', '=', 'customer.merged')
          .where('entity_id', 'in', [winner.id, loser.id])
          .execute(),
      });
      const moved = await rows();
      assert.equal(moved.accounts[0]!.customer_id, winner.id);
      assert.equal(moved.contacts[0]!.customer_id, winner.id);
      assert.ok(moved.verifications.length > 0);
      for (const v of moved.verifications) assert.equal(v.customer_id, winner.id);
      assert.equal(moved.cases[0]!.customer_id, winner.id);
      assert.equal(moved.commitments[0]!.customer_id, winner.id);
      assert.equal(moved.loser[0]!.merged_into_id, winner.id);
      assert.ok(moved.loser[0]!.merged_at);
      assert.equal(moved.audit.length, 2);
      for (const a of moved.audit) {
        assert.equal(a.actor_id, t.users.supervisor.id);
        const after = typeof a.after === 'string' ? JSON.parse(a.after) : a.after;
        assert.equal(after.winnerId, winner.id);
        assert.equal(after.loserId, loser.id);
      }

      // Reads of the loser answer with the winner; search finds only the winner.
      const read = await t.call('supervisor', 'GET', `/api/v1/customers/${loser.id}`);
      assert.equal(read.statusCode, 200);
      assert.equal(read.data.id, winner.id);
      assert.equal(read.data.mergedFromId, loser.id);
      assert.equal(read.headers['content-location'], `/api/v1/customers/${winner.id}`);
      const byPhone = await t.call(
        'officer',
        'GET',
        `/api/v1/customers?q=${encodeURIComponent('9000 2222')}`,
      );
      assert.deepEqual(
        byPhone.data.items.map((h: { id: string }) => h.id),
        [winner.id],
      );
      const cases = await t.call('officer', 'GET', `/api/v1/cases?customerId=${winner.id}&limit=50`);
      assert.ok(cases.data.items.some((c: { id: string }) => c.id === kase.id));
      // Writes to the loser are refused, naming the winner.
      const patch = await t.call('supervisor', 'PATCH', `/api/v1/customers/${loser.id}`, {
        displayName: 'X',
      });
      assert.equal(patch.statusCode, 409);
      assert.equal(patch.data.code, 'customer.merged');

      // Nothing new attaches to the loser: a stale pick on a call is told where the record went.
      const call = await buildContact(t, null);
      const attach = await t.call('officer', 'PATCH', `/api/v1/contacts/${call.id}`, {
        customerId: loser.id,
      });
      assert.equal(attach.statusCode, 409);
      assert.equal(attach.data.code, 'customer.merged');
      assert.match(attach.data.detail, new RegExp(winner.id));

      // Replay (the same merge again, either way round it was asked): same answer, nothing changes.
      const again = await t.call('supervisor', 'POST', `/api/v1/customers/${winner.id}/merge`, {
        otherCustomerId: loser.id,
        winner: 'this',
      });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.data.winnerId, winner.id);
      assert.equal(again.data.accountsMoved, 0);
      assert.deepEqual(await rows(), moved);

      // The loser cannot win another merge, nor be merged elsewhere.
      const third = await buildCustomer(t, { displayName: 'Third Person' });
      const bad = await t.call('supervisor', 'POST', `/api/v1/customers/${third.id}/merge`, {
        otherCustomerId: loser.id,
        winner: 'other',
      });
      assert.equal(bad.statusCode, 409);
      assert.equal(bad.data.code, 'customer.merged');
      assert.equal(bad.data.errors[0].field, '/body/otherCustomerId');
    });

    test('merging a record with itself or with nobody is refused, naming the field', async () => {
      const c = await buildCustomer(t);
      const self = await t.call('supervisor', 'POST', `/api/v1/customers/${c.id}/merge`, {
        otherCustomerId: c.id,
        winner: 'this',
      });
      assert.equal(self.statusCode, 400);
      assert.equal(self.data.errors[0].field, '/body/otherCustomerId');
      const none = await t.call('supervisor', 'POST', `/api/v1/customers/${c.id}/merge`, {
        otherCustomerId: '00000000-0000-7000-8000-000000000000',
        winner: 'this',
      });
      assert.equal(none.statusCode, 404);
      assert.equal(none.data.errors[0].field, '/body/otherCustomerId');
    });
  });
}
