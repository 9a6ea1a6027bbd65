import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pruneIdempotencyKeys } from '../../src/server/platform/idempotency.ts';
import { type fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

const count = async (t: TestApp, table: 'cases' | 'contacts' | 'customers' | 'case_notes' | 'referrals') =>
  Number(
    (
      await t.ctx.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

for (const dialect of await dialects()) {
  describe(`Idempotency-Key on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('ten concurrent repeats of one case creation make one case, and all get its response', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const before = await count(t, 'cases');
      const body = { contactId: contact.id, type: 'complaint', subject: 'Charged twice' };
      const key = `save-outcome-${contact.id}`;
      const all = await Promise.all(
        Array.from({ length: 10 }, () =>
          t.call('officer', 'POST', '/api/v1/cases', body, { 'idempotency-key': key }),
        ),
      );
      for (const r of all) assert.equal(r.statusCode, 201, r.body);
      assert.equal(new Set(all.map((r) => r.data.id)).size, 1);
      assert.equal(new Set(all.map((r) => r.data.reference)).size, 1);
      assert.equal((await count(t, 'cases')) - before, 1);
      const linked = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.deepEqual(linked.data.caseIds, [all[0]!.data.id]);
    });

    test('a later repeat gets the stored response, marked as replayed', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const body = { contactId: contact.id, type: 'general_enquiry', subject: 'Opening hours' };
      const first = await t.call('officer', 'POST', '/api/v1/cases', body, { 'idempotency-key': 'k-later' });
      const again = await t.call('officer', 'POST', '/api/v1/cases', body, { 'idempotency-key': 'k-later' });
      assert.equal(first.statusCode, 201);
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.data, first.data);
    });

    test('the same key with a different body is a 422 problem and writes nothing', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const key = 'k-different';
      const a = { contactId: contact.id, type: 'complaint', subject: 'One' };
      assert.equal(
        (await t.call('officer', 'POST', '/api/v1/cases', a, { 'idempotency-key': key })).statusCode,
        201,
      );
      const before = await count(t, 'cases');
      const r = await t.call(
        'officer',
        'POST',
        '/api/v1/cases',
        { ...a, subject: 'Two' },
        { 'idempotency-key': key },
      );
      assert.equal(r.statusCode, 422);
      assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(r.data.code, 'idempotency.key_reused');
      assert.equal(r.data.errors[0].field, '/headers/idempotency-key');
      assert.equal(await count(t, 'cases'), before);
    });

    test('keys are per user: another officer with the same key makes their own record', async () => {
      const body = { channel: 'phone', direction: 'inbound' };
      const a = await t.call('officer', 'POST', '/api/v1/contacts', body, { 'idempotency-key': 'shared' });
      const b = await t.call('trainee', 'POST', '/api/v1/contacts', body, { 'idempotency-key': 'shared' });
      assert.equal(a.statusCode, 201);
      assert.equal(b.statusCode, 201);
      assert.notEqual(a.data.id, b.data.id);
    });

    test('every create a person can repeat honours the key: contacts, customers, notes, referrals', async () => {
      const contactsBefore = await count(t, 'contacts');
      const contactBody = { channel: 'phone', direction: 'inbound' };
      const c1 = await t.call('officer', 'POST', '/api/v1/contacts', contactBody, {
        'idempotency-key': 'c-1',
      });
      const c2 = await t.call('officer', 'POST', '/api/v1/contacts', contactBody, {
        'idempotency-key': 'c-1',
      });
      assert.equal(c1.data.id, c2.data.id);
      assert.equal((await count(t, 'contacts')) - contactsBefore, 1);

      const customersBefore = await count(t, 'customers');
      const cust = { displayName: 'Idem Potent', idType: 'nric', idNumber: 'S7777777Q' };
      const k1 = await t.call('officer', 'POST', '/api/v1/customers', cust, { 'idempotency-key': 'cu-1' });
      const k2 = await t.call('officer', 'POST', '/api/v1/customers', cust, { 'idempotency-key': 'cu-1' });
      assert.equal(k1.statusCode, 201, k1.body);
      assert.equal(k2.statusCode, 201, k2.body);
      assert.equal((await count(t, 'customers')) - customersBefore, 1);

      const kase = await t.call('officer', 'POST', '/api/v1/cases', {
        contactId: c1.data.id,
        type: 'complaint',
        subject: 'Noisy line',
      });
      const notesBefore = await count(t, 'case_notes');
      const note = { visibility: 'internal', body: 'Checked the exchange' };
      const n = await Promise.all(
        [1, 2, 3].map(() =>
          t.call('officer', 'POST', `/api/v1/cases/${kase.data.id}/notes`, note, {
            'idempotency-key': 'n-1',
          }),
        ),
      );
      assert.ok(
        n.every((r) => r.statusCode === 201),
        n.map((r) => r.body).join('\n'),
      );
      assert.equal((await count(t, 'case_notes')) - notesBefore, 1);

      const refBefore = await count(t, 'referrals');
      const ref = { mode: 'transfer', departmentId: t.department.id, reason: 'Line fault' };
      const r = await Promise.all(
        [1, 2].map(() =>
          t.call('officer', 'POST', `/api/v1/cases/${kase.data.id}/referrals`, ref, {
            'idempotency-key': 'r-1',
          }),
        ),
      );
      assert.ok(
        r.every((x) => x.statusCode < 300),
        r.map((x) => x.body).join('\n'),
      );
      assert.equal((await count(t, 'referrals')) - refBefore, 1);
    });

    test('a failed request keeps no key: fixed and retried with the same key, it runs', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const bad = await t.call(
        'officer',
        'POST',
        '/api/v1/cases',
        {
          contactId: contact.id,
          type: 'complaint',
          subject: 'x',
          categoryId: '00000000-0000-4000-8000-000000000000',
        },
        { 'idempotency-key': 'k-fail' },
      );
      assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, bad.body);
      const good = await t.call(
        'officer',
        'POST',
        '/api/v1/cases',
        { contactId: contact.id, type: 'complaint', subject: 'x' },
        { 'idempotency-key': 'k-fail' },
      );
      assert.equal(good.statusCode, 201, good.body);
    });

    test('a malformed key is a 400 naming the header', async () => {
      const r = await t.call(
        'officer',
        'POST',
        '/api/v1/contacts',
        { channel: 'phone', direction: 'inbound' },
        { 'idempotency-key': 'x'.repeat(256) },
      );
      assert.equal(r.statusCode, 400);
      assert.equal(r.data.errors[0].field, '/headers/idempotency-key');
    });

    test('after 24 hours a key is forgotten: the same key makes a new record', async () => {
      const body = { channel: 'phone', direction: 'inbound' };
      const a = await t.call('officer', 'POST', '/api/v1/contacts', body, { 'idempotency-key': 'day-old' });
      (t.ctx.clock as ReturnType<typeof fixedClock>).advance(25 * 3600_000);
      const b = await t.call('officer', 'POST', '/api/v1/contacts', body, { 'idempotency-key': 'day-old' });
      assert.equal(b.statusCode, 201);
      assert.equal(b.headers['idempotent-replayed'], undefined);
      assert.notEqual(a.data.id, b.data.id);
    });

    test('keys expire after 24 hours and are pruned', async () => {
      await t.ctx.store.db
        .insertInto('idempotency_keys')
        .values({
          user_id: t.users.officer.id,
          key: 'old',
          request_hash: 'h',
          method: 'POST',
          path: '/x',
          status: 201,
          body: '{}',
          created_at: '2026-11-01T00:00:00.000Z',
          expires_at: '2026-11-02T00:00:00.000Z',
        })
        .execute();
      assert.ok((await pruneIdempotencyKeys(t.ctx)) >= 1);
      const left = await t.ctx.store.db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('key', '=', 'old')
        .execute();
      assert.equal(left.length, 0);
    });
  });
}
