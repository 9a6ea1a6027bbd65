import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Executor } from '../../src/server/platform/db/index.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

const TABLES = [
  'cases',
  'case_events',
  'contact_cases',
  'audit_log',
  'outbox',
  'counters',
  'referrals',
  'case_notes',
] as const;

/**
 * Every row of the tables a case write touches, as JSON: the whole observable state. Earlier events
 * are published first: the dispatcher marks outbox rows published on its own schedule (any
 * response pokes it), which is bookkeeping after commit, not part of the write under test.
 */
async function snapshot(t: TestApp): Promise<string> {
  // Until a whole run finds nothing: a drain() called mid-run answers with that run.
  while ((await t.services.dispatcher.drain()) > 0);
  const db: Executor = t.ctx.store.db;
  const out: Record<string, unknown[]> = {};
  for (const t of TABLES) {
    out[t] = (await sql`select * from ${sql.table(t)} order by 1`.execute(db)).rows.map((r) => ({
      ...(r as object),
    }));
  }
  return JSON.stringify(out);
}

/** Make the second write of a case creation (its timeline event) fail inside the database. */
async function injectFailure(t: TestApp, table: string) {
  const db = t.ctx.store.db;
  if (t.ctx.store.dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER inject_fail BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
      )
      .execute(db);
  } else {
    await sql
      .raw(
        `CREATE FUNCTION inject_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
      )
      .execute(db);
    await sql
      .raw(`CREATE TRIGGER inject_fail BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION inject_fail()`)
      .execute(db);
  }
}
async function removeFailure(t: TestApp, table: string) {
  const db = t.ctx.store.db;
  if (t.ctx.store.dialect === 'sqlite') await sql.raw('DROP TRIGGER inject_fail').execute(db);
  else {
    await sql.raw(`DROP TRIGGER inject_fail ON ${table}`).execute(db);
    await sql.raw('DROP FUNCTION inject_fail()').execute(db);
  }
}

for (const dialect of await dialects()) {
  describe(`one transaction per write on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    for (const table of ['case_events', 'audit_log', 'outbox']) {
      test(`a case creation that fails at ${table} (after the case row is written) leaves the database unchanged`, async () => {
        const customer = await buildCustomer(t);
        const contact = await buildContact(t, customer.id);
        const before = await snapshot(t);
        await injectFailure(t, table);
        try {
          const r = await t.call('officer', 'POST', '/api/v1/cases', {
            contactId: contact.id,
            type: 'complaint',
            subject: 'Boom',
          });
          assert.equal(r.statusCode, 500);
          assert.equal(r.data.code, 'internal');
          assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
          assert.ok(!String(r.body).includes('injected'), 'internal details do not leak');
        } finally {
          await removeFailure(t, table);
        }
        assert.equal(await snapshot(t), before);
        // And the same request succeeds once the fault is gone, with the next reference unused by the failure.
        const ok = await t.call('officer', 'POST', '/api/v1/cases', {
          contactId: contact.id,
          type: 'complaint',
          subject: 'Fine',
        });
        assert.equal(ok.statusCode, 201);
      });
    }

    test('a referral that fails midway leaves the case where it was', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const c = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'complaint',
        subject: 'x',
      });
      const before = await snapshot(t);
      await injectFailure(t, 'referrals');
      try {
        const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
          mode: 'transfer',
          departmentId: t.department.id,
          reason: 'x',
        });
        assert.equal(r.statusCode, 500);
      } finally {
        await removeFailure(t, 'referrals');
      }
      assert.equal(await snapshot(t), before);
    });
  });

  describe(`the audit trail is append-only on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('the database refuses to update or delete audit rows', async () => {
      await buildCustomer(t);
      const db = t.ctx.store.db;
      const n = async () =>
        Number(
          (
            await db
              .selectFrom('audit_log')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const count = await n();
      assert.ok(count > 0);
      await assert.rejects(db.updateTable('audit_log').set({ action: 'tampered' }).execute(), /append-only/);
      await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);
      assert.equal(await n(), count);
      const tampered = await db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'tampered')
        .execute();
      assert.equal(tampered.length, 0);
    });
  });
}
