import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Role } from '../../src/shared/contracts/people.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildVerifiedContact } from '../helpers/factories.ts';
import type { Res } from '../helpers/session.ts';

for (const dialect of await dialects()) {
  describe(`verified-contact writes by frontline roles complete on ${dialect}`, () => {
    // Regression: on SQLite these requests used to hang for ever (isMaskedFor() queried beside the
    // open transaction on the single connection; fixed in cb8fa21). A hang must fail, not stall
    // the run, and each case has its own app since a deadlocked app cannot be used again.
    const within = async <T>(p: Promise<T>, ms: number): Promise<T | 'timed out'> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timed out'>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), ms);
      });
      try {
        return await Promise.race([p, timeout]);
      } finally {
        clearTimeout(timer);
      }
    };
    const cases: [
      string,
      (t: TestApp, v: Awaited<ReturnType<typeof buildVerifiedContact>>) => Promise<Res>,
      number,
      (r: Res) => void,
      Role?,
    ][] = [
      [
        'an officer changes a verified customer (PATCH /customers/:id)',
        (t, v) =>
          t.call('officer', 'PATCH', `/api/v1/customers/${v.customer.id}`, {
            address: '1 Verified Road',
            contactId: v.contact.id,
          }),
        200,
        (r) => {
          assert.equal(r.data.address, '1 Verified Road');
          assert.equal(r.data.masked, false, 'verified on this contact: unmasked');
        },
      ],
      [
        'a team leader adds an account for a verified customer (POST /customers/:id/accounts)',
        (t, v) =>
          t.call('team_leader', 'POST', `/api/v1/customers/${v.customer.id}/accounts`, {
            accountNumber: 'VERIFIED-1',
            contactId: v.contact.id,
          }),
        201,
        (r) => {
          assert.equal(r.data.accountNumber, 'VERIFIED-1');
          assert.notEqual(r.data.balanceMinor, null, 'verified on this contact: unmasked');
        },
        // The team leader took the call: a verification unmasks only for the one handling the contact.
        'team_leader',
      ],
      [
        'an officer suspends an account of a verified customer (PATCH /accounts/:id)',
        (t, v) =>
          t.call('officer', 'PATCH', `/api/v1/accounts/${v.customer.account.id}`, {
            status: 'suspended',
            contactId: v.contact.id,
          }),
        200,
        (r) => assert.equal(r.data.status, 'suspended'),
      ],
    ];
    for (const [name, run, status, check, handler] of cases) {
      test(name, async () => {
        const t = await makeTestApp(dialect);
        try {
          const v = await buildVerifiedContact(t, t.users[handler ?? 'officer'].actor);
          const r = await within(run(t, v), 1500);
          assert.notEqual(r, 'timed out', 'the request never answered');
          assert.equal((r as Res).statusCode, status, (r as Res).body);
          check(r as Res);
        } finally {
          await t.close();
        }
      });
    }
  });
}
