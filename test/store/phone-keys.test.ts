import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { columnTypes } from '../../src/server/platform/db/migrate.ts';
import { up as rekey } from '../../src/server/platform/db/migrations/202612061000_phone_keys.ts';
import { phoneKeys, phoneQueryKey, toE164 } from '../../src/shared/phone.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCustomer } from '../helpers/factories.ts';

/** The hand-written keys rows were stored under before libphonenumber (country code 65). */
function oldPhoneKeys(raw: string, countryCode = '65'): string[] {
  const t = raw.trim();
  let digits = t.replace(/\D/g, '');
  let international = t.startsWith('+');
  if (!international && digits.startsWith('00')) {
    digits = digits.slice(2);
    international = true;
  }
  if (!digits) return [];
  if (international)
    return digits.startsWith(countryCode) && digits.length > countryCode.length + 4
      ? [digits, digits.slice(countryCode.length)]
      : [digits];
  const national = digits.replace(/^0+/, '') || digits;
  return [...new Set([digits, national, countryCode + national])];
}

describe('phone keys through libphonenumber', () => {
  test('a Singapore number keeps exactly the keys it had, in every form the seeds and benchmarks write', () => {
    for (const n of [
      '+65 9123 4567',
      '91234567',
      '+65 8123 4567',
      '81234567',
      '0065 9123 4567',
      '+65 6100 2000',
    ])
      assert.deepEqual(new Set(phoneKeys(n, 'SG')), new Set(oldPhoneKeys(n)), n);
  });

  test('every way of typing a number finds it', () => {
    const cases: [stored: string, typed: string[]][] = [
      ['+65 9123-4567', ['+65 9123 4567', '0065 91234567', '6591234567', '9123 4567']],
      ['+60 12-345 6789', ['012-345 6789', '+60123456789', '60 12 345 6789', '0060 12 345 6789']],
      ['+91 98765 43210', ['098765 43210', '+91 98765 43210', '9876543210']],
    ];
    for (const [stored, typed] of cases)
      for (const q of typed)
        assert.ok(phoneKeys(stored, 'SG').includes(phoneQueryKey(q, 'SG')!), `${stored} by ${q}`);
  });

  test('E.164 for SMS: the default region fills in a missing country code; nonsense is null', () => {
    assert.equal(toE164('9123 4567', 'SG'), '+6591234567');
    assert.equal(toE164('012-345 6789', 'MY'), '+60123456789');
    assert.equal(toE164('+60 12-345 6789', 'SG'), '+60123456789');
    assert.equal(toE164('0065 9123 4567', 'IN'), '+6591234567');
    assert.equal(toE164('12345', 'SG'), null);
    assert.equal(toE164('not a number', 'SG'), null);
  });
});

for (const dialect of await dialects()) {
  describe(`phone keys re-keyed by migration on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    const search = async (q: string) => {
      const r = await t.call('officer', 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`);
      assert.equal(r.statusCode, 200, r.body);
      return (r.data.items as { id: string }[]).map((i) => i.id);
    };

    test('rows written under the old keys are re-keyed: a Malaysian number is found nationally, Singapore rows untouched', async () => {
      const my = await buildCustomer(t, { phones: [{ kind: 'mobile', number: '+60 12-777 8899' }] });
      const sg = await buildCustomer(t, { phones: [{ kind: 'mobile', number: '9777 0101' }] });
      const db = t.ctx.store.db;
      // As the old code wrote them.
      for (const c of [
        { id: my.id, n: '+60 12-777 8899' },
        { id: sg.id, n: '9777 0101' },
      ]) {
        await db
          .deleteFrom('customer_lookup')
          .where('customer_id', '=', c.id)
          .where('kind', '=', 'phone')
          .execute();
        await db
          .insertInto('customer_lookup')
          .values(oldPhoneKeys(c.n).map((key) => ({ key, kind: 'phone', customer_id: c.id })))
          .execute();
      }
      assert.deepEqual(await search('012-777 8899'), []);
      const sgBefore = await db
        .selectFrom('customer_lookup')
        .selectAll()
        .where('customer_id', '=', sg.id)
        .execute();

      await rekey(db, columnTypes(dialect));

      assert.deepEqual(await search('012-777 8899'), [my.id]);
      assert.deepEqual(await search('+60 12 777 8899'), [my.id]);
      assert.deepEqual(await search('97770101'), [sg.id]);
      const sgAfter = await db
        .selectFrom('customer_lookup')
        .selectAll()
        .where('customer_id', '=', sg.id)
        .execute();
      const rows = (xs: typeof sgBefore) => xs.map((r) => `${r.kind}|${r.key}`).sort();
      assert.deepEqual(rows(sgAfter), rows(sgBefore));
    });
  });
}
