import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

for (const dialect of await dialects()) {
  describe(`customers on ${dialect}`, () => {
    let t: TestApp;
    let mei: Awaited<ReturnType<typeof buildCustomer>>;
    before(async () => {
      t = await makeTestApp(dialect);
      mei = await buildCustomer(t, {
        displayName: 'Tan Mei Ling',
        idNumber: 'S8123456D',
        phones: [{ kind: 'mobile', number: '+65 9123 4567' }],
        emails: ['Mei.Ling@Example.com'],
        particularNeeds: [{ kind: 'hearing_impaired', detail: 'Use text relay' }],
        preferredLanguage: 'zh',
      });
      // Namesakes and near-misses so ranking matters.
      await buildCustomer(t, {
        displayName: 'Tan Mei Hua',
        phones: [{ kind: 'mobile', number: '+65 8123 4567' }],
      });
      await buildCustomer(t, { displayName: 'Melissa Tanaka' });
    });
    after(() => t.close());

    const search = async (q: string) => {
      const r = await t.call('officer', 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
      assert.equal(r.statusCode, 200, r.body);
      return r.data.items as { id: string; displayName: string; matchedOn: string; idNumber: string }[];
    };

    for (const q of [
      '+65 9123 4567',
      '91234567',
      '9123-4567',
      '0065 9123 4567',
      '6591234567',
      '(+65) 9123 4567',
    ]) {
      test(`finds by mobile typed as "${q}"`, async () => {
        const hits = await search(q);
        assert.equal(hits[0]?.id, mei.id);
        assert.equal(hits[0]?.matchedOn, 'phone');
        assert.equal(hits.length, 1);
      });
    }

    test('finds by ID number, any case and punctuation', async () => {
      for (const q of ['S8123456D', 's8123456d', 'S 8123456-D']) {
        const hits = await search(q);
        assert.equal(hits[0]?.id, mei.id, q);
        assert.equal(hits[0]?.matchedOn, 'id_number');
      }
    });

    test('finds by account number and by a service (line) number on the account', async () => {
      const byAccount = await search(mei.account.accountNumber.toLowerCase());
      assert.equal(byAccount[0]?.id, mei.id);
      assert.equal(byAccount[0]?.matchedOn, 'account_number');
      const line = `+65 6${mei.account.services[0]!.number.slice(-7)}`;
      const c = await t.services.customers.get(t.users.supervisor.actor, mei.id);
      const fullLine = c.accounts[0]!.services[0]!.number;
      assert.equal(fullLine.replace(/\s/g, ''), line.replace(/\s/g, ''));
      const byLine = await search(fullLine.slice(4));
      assert.equal(byLine[0]?.id, mei.id);
      assert.equal(byLine[0]?.matchedOn, 'service_number');
    });

    test('finds by e-mail, case-insensitively', async () => {
      const hits = await search('mei.ling@example.COM');
      assert.equal(hits[0]?.id, mei.id);
      assert.equal(hits[0]?.matchedOn, 'email');
    });

    test('partial, case-insensitive name: every word a prefix; exact name ranks first', async () => {
      const hits = await search('tan mei');
      const names = hits.map((h) => h.displayName);
      assert.ok(names.includes('Tan Mei Ling') && names.includes('Tan Mei Hua'));
      assert.ok(!names.includes('Melissa Tanaka'), 'every word must match');
      const exact = await search('tan mei ling');
      assert.equal(exact[0]?.displayName, 'Tan Mei Ling');
      const partial = await search('MEI LI');
      assert.deepEqual(
        partial.map((h) => h.displayName),
        ['Tan Mei Ling'],
      );
      assert.deepEqual(await search('zzzz'), []);
    });

    test('search results mask the ID for an officer and not for a supervisor', async () => {
      const [officerHit] = await search('S8123456D');
      assert.equal(officerHit?.idNumber, '*****456D');
      const sup = await t.call('supervisor', 'GET', '/api/v1/customers?q=S8123456D');
      assert.equal(sup.data.items[0].idNumber, 'S8123456D');
    });

    test('without q: newest first, cursor pagination visits every customer once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await t.call('officer', 'GET', url);
        assert.equal(r.statusCode, 200);
        seen.push(...r.data.items.map((i: { id: string }) => i.id));
        cursor = r.data.nextCursor;
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length);
      const total = await t.ctx.store.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(seen.length, Number(total.n));
    });

    test('particulars stay masked until the contact meets the verification policy', async () => {
      const contact = await buildContact(t, mei.id);
      const get = () => t.call('officer', 'GET', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      let r = await get();
      assert.equal(r.data.masked, true);
      assert.equal(r.data.idNumber, '*****456D');
      assert.equal(r.data.accounts[0].balanceMinor, null);
      assert.match(r.data.accounts[0].accountNumber, /^\*+\d{4}$/);
      // Particular needs and language always show: the officer needs them to accommodate the caller.
      assert.equal(r.data.particularNeeds[0].kind, 'hearing_impaired');
      assert.equal(r.data.preferredLanguage, 'zh');

      // Name alone does not satisfy the default policy (name + one of ID/account/service/DOB).
      // The officer types what the caller says; the server compares (names in any order, any case).
      let v = await t.call('officer', 'POST', `/api/v1/contacts/${contact.id}/verification`, {
        answers: [{ particular: 'name', value: 'mei ling TAN' }],
      });
      assert.deepEqual(v.data.checks, [{ particular: 'name', result: 'match' }]);
      assert.equal(v.statusCode, 201);
      assert.equal(v.data.satisfiesPolicy, false);
      assert.ok(v.data.missing.includes('id_number'));
      assert.equal((await get()).data.masked, true);

      v = await t.call('officer', 'POST', `/api/v1/contacts/${contact.id}/verification`, {
        answers: [{ particular: 'date_of_birth', value: '17/05/1980' }],
      });
      assert.equal(v.data.satisfiesPolicy, true);
      r = await get();
      assert.equal(r.data.masked, false);
      assert.equal(r.data.idNumber, 'S8123456D');
      assert.equal(r.data.accounts[0].accountNumber, mei.account.accountNumber);
      assert.equal(r.data.accounts[0].balanceMinor, 0);
      const contactNow = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.equal(contactNow.data.verified, true);

      // The same contact does not unmask a different customer.
      const other = await buildCustomer(t);
      const x = await t.call('officer', 'GET', `/api/v1/customers/${other.id}?contactId=${contact.id}`);
      assert.equal(x.data.masked, true);

      // A mismatch on any particular fails the verification.
      v = await t.call('officer', 'POST', `/api/v1/contacts/${contact.id}/verification`, {
        answers: [{ particular: 'id_number', value: 'S8123457D' }],
      });
      assert.equal(v.data.result, 'failed');
      assert.deepEqual(v.data.checks, [{ particular: 'id_number', result: 'mismatch' }]);
      // The answer never reveals the record.
      assert.ok(!JSON.stringify(v.data).includes('S8123456D'));
      assert.equal(v.data.satisfiesPolicy, false);
      assert.equal((await get()).data.masked, true);
    });

    test('a trainer always sees particulars masked, even on a verified contact', async () => {
      const contact = await buildContact(t, mei.id);
      await t.services.contacts.verify(t.users.officer.actor, contact.id, {
        answers: [
          { particular: 'name', value: 'Tan Mei Ling' },
          { particular: 'id_number', value: 'S8123456D' },
        ],
      });
      const r = await t.call('trainer', 'GET', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      assert.equal(r.data.masked, true);
    });

    test('account changes are refused on an unverified contact and allowed on a verified one, with an audit row', async () => {
      const c = await buildCustomer(t);
      const contact = await buildContact(t, c.id);
      const url = `/api/v1/accounts/${c.account.id}`;
      let r = await t.call('officer', 'PATCH', url, { billingAddress: '1 New Road' });
      assert.equal(r.statusCode, 403);
      assert.equal(r.data.code, 'contact.not_verified');
      r = await t.call('officer', 'PATCH', url, { contactId: contact.id, billingAddress: '1 New Road' });
      assert.equal(r.statusCode, 403);
      assert.equal(r.data.code, 'contact.not_verified');
      // Even a supervisor changes an account only on a verified contact.
      r = await t.call('supervisor', 'PATCH', url, { billingAddress: '1 New Road' });
      assert.equal(r.statusCode, 403);
      const before = await t.ctx.store.db
        .selectFrom('accounts')
        .select('billing_address')
        .where('id', '=', c.account.id)
        .executeTakeFirstOrThrow();
      assert.equal(before.billing_address, null);

      const v = await t.call('officer', 'POST', `/api/v1/contacts/${contact.id}/verification`, {
        answers: [
          { particular: 'name', value: c.said.name },
          { particular: 'account_number', value: c.account.accountNumber.toLowerCase() },
        ],
      });
      assert.equal(v.data.satisfiesPolicy, true, v.body);
      r = await t.call('officer', 'PATCH', url, { contactId: contact.id, billingAddress: '1 New Road' });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.billingAddress, '1 New Road');
      const trail = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_type', '=', 'account')
        .where('entity_id', '=', c.account.id)
        .where('action', '=', 'account.updated')
        .execute();
      assert.equal(trail.length, 1);
      assert.equal(trail[0]!.actor_id, t.users.officer.id);
      const afterJson = typeof trail[0]!.after === 'string' ? JSON.parse(trail[0]!.after) : trail[0]!.after;
      assert.equal(afterJson.billingAddress, '1 New Road');
      assert.equal(afterJson.contactId, contact.id);
    });

    test('updating particulars is audited with before and after, and re-indexes search', async () => {
      const c = await buildCustomer(t, { phones: [{ kind: 'mobile', number: '+65 9777 0001' }] });
      const contact = await buildContact(t, c.id);
      await t.services.contacts.verify(t.users.officer.actor, contact.id, {
        answers: [
          { particular: 'name', value: c.said.name },
          { particular: 'id_number', value: c.said.idNumber },
        ],
      });
      const r = await t.call('officer', 'PATCH', `/api/v1/customers/${c.id}`, {
        contactId: contact.id,
        phones: [{ kind: 'mobile', number: '+65 9777 0002' }],
        preferredLanguage: 'ms',
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.version, 2);
      assert.deepEqual(await search('97770001'), []);
      assert.equal((await search('97770002'))[0]?.id, c.id);
      const row = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', c.id)
        .where('action', '=', 'customer.updated')
        .executeTakeFirstOrThrow();
      const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
      assert.deepEqual(parse(row.before), {
        phones: [{ kind: 'mobile', number: '+65 9777 0001' }],
        preferredLanguage: null,
        version: 1,
      });
      assert.equal(parse(row.after).preferredLanguage, 'ms');
    });

    test('an officer cannot change particulars without a verified contact; the ID number is unique', async () => {
      const c = await buildCustomer(t);
      const r = await t.call('officer', 'PATCH', `/api/v1/customers/${c.id}`, { address: 'x' });
      assert.equal(r.statusCode, 403);
      assert.equal(r.data.errors[0].field, '/body/contactId');
      const dup = await t.call('officer', 'POST', '/api/v1/customers', {
        displayName: 'Someone Else',
        idNumber: 's8123456d',
      });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.data.code, 'customer.identifier_taken');
    });
  });
}
