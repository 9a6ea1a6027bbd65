import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { decodeCursor } from '../../src/server/platform/context.ts';
import type { AuditEntryDto } from '../../src/shared/contracts/audit.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer } from '../helpers/factories.ts';

/**
 * Issue 12, History: the audit trail read whole (GET /audit, audit.read) and per record
 * (GET /cases/:id/history, GET /customers/:id/history): filters, keyset pages, masking per role,
 * the particulars-viewed rows, and plans that seek on every filter.
 */
for (const dialect of await dialects()) {
  describe(`audit trail and history on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    let mei: Awaited<ReturnType<typeof buildCustomer>>;
    let caseId: string;

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      mei = await buildCustomer(t, {
        displayName: 'Tan Mei Ling',
        idNumber: 'S8123456D',
        phones: [{ kind: 'mobile', number: '+65 9123 4567' }],
        emails: ['mei.ling@example.com'],
        address: '1 Orchard Road',
      });
      clock.advance(60_000);
      // A back-office correction: the supervisor changes the mobile and the address.
      const patched = await t.call('supervisor', 'PATCH', `/api/v1/customers/${mei.id}`, {
        phones: [{ kind: 'mobile', number: '+65 9876 5432' }],
        address: '2 Orchard Road',
      });
      assert.equal(patched.statusCode, 200, patched.body);
      clock.advance(60_000);
      const built = await buildCase(t, { subject: 'Charged twice for October' });
      caseId = built.case.id;
      clock.advance(60_000);
      const r = await t.call('officer', 'PATCH', `/api/v1/cases/${caseId}`, { priority: 'high' });
      assert.equal(r.statusCode, 200, r.body);
      clock.advance(60_000);
    });
    after(() => t.close());

    const get = async (role: Role, url: string) => {
      const r = await t.call(role, 'GET', url);
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return { body: r.body, data: r.data as { items: AuditEntryDto[]; nextCursor: string | null } };
    };

    test('a case history says who changed what and when, field by field', async () => {
      const r = await get('trainer', `/api/v1/cases/${caseId}/history`);
      const actions = r.data.items.map((e) => e.action);
      assert.deepEqual(actions, ['case.updated', 'case.created']);
      const updated = r.data.items[0]!;
      assert.deepEqual(updated.actor, { id: t.users.officer.id, displayName: 'Test officer' });
      assert.equal(updated.entityType, 'case');
      assert.equal(updated.entityId, caseId);
      const priority = updated.changes?.find((c) => c.field === 'priority');
      assert.deepEqual(priority, { field: 'priority', before: 'normal', after: 'high' });
      // SQLite hands a boolean back as 0: read raw and written presented, it is not a change.
      assert.deepEqual(
        updated.changes?.filter(
          (c) => typeof c.before === 'boolean' || typeof c.after === 'boolean' || c.before === 0,
        ),
        [],
      );
      assert.equal(r.data.items[1]!.changes, null, 'a creation stores only after');
      assert.ok(r.data.items[1]!.after);
      assert.equal(r.data.nextCursor, null);
    });

    test('an officer reads a customer history masked as the customer read masks it', async () => {
      const r = await get('officer', `/api/v1/customers/${mei.id}/history`);
      for (const raw of ['S8123456D', '9123 4567', '9876 5432', 'mei.ling@', 'Orchard', '1980-05-17'])
        assert.ok(!r.body.includes(raw), `${raw} shown to an officer: ${r.body}`);
      const actions = r.data.items.map((e) => e.action);
      assert.ok(actions.includes('customer.updated'));
      assert.ok(actions.includes('customer.created'));
      assert.ok(actions.includes('account.created'), 'the accounts are part of the customer history');
      const upd = r.data.items.find((e) => e.action === 'customer.updated')!;
      assert.equal(upd.masked, true);
      assert.deepEqual(upd.actor, { id: t.users.supervisor.id, displayName: 'Test supervisor' });
      const phones = upd.changes!.find((c) => c.field === 'phones')!;
      assert.deepEqual(phones.before, [{ kind: 'mobile', number: '*********4567' }]);
      assert.deepEqual(phones.after, [{ kind: 'mobile', number: '*********5432' }]);
      const address = upd.changes!.find((c) => c.field === 'address')!;
      assert.equal(address.before, '(hidden until verified)');
      const created = r.data.items.find((e) => e.action === 'customer.created')!;
      const after = created.after as Record<string, unknown>;
      assert.equal(after.idNumber, '*****456D');
      assert.equal(after.dateOfBirth, '****-**-**');
      assert.deepEqual(after.emails, ['m***@example.com']);
      assert.equal(after.displayName, 'Tan Mei Ling', 'the name is not a particular');
    });

    test('a supervisor reads it unmasked, and that read is recorded as a view of the particulars', async () => {
      const r = await get('supervisor', `/api/v1/customers/${mei.id}/history`);
      const upd = r.data.items.find((e) => e.action === 'customer.updated')!;
      assert.equal(upd.masked, false);
      assert.deepEqual(upd.changes!.find((c) => c.field === 'phones')!.after, [
        { kind: 'mobile', number: '+65 9876 5432' },
      ]);
      const again = await get('officer', `/api/v1/customers/${mei.id}/history`);
      const view = again.data.items[0]!;
      assert.equal(view.action, 'customer.particulars_viewed');
      assert.deepEqual(view.after, { by: 'role', in: 'history' });
      assert.equal(view.actor?.id, t.users.supervisor.id);
    });

    test('viewing particulars unmasked appears in the customer history and in the trail', async () => {
      // An officer on a verified contact, then a supervisor by role.
      const contact = await buildContact(t, mei.id);
      await t.services.contacts.verify(t.users.officer.actor, contact.id, {
        answers: [
          { particular: 'name', value: 'Tan Mei Ling' },
          { particular: 'id_number', value: 'S8123456D' },
        ],
      });
      clock.advance(1000);
      await get('officer', `/api/v1/customers/${mei.id}?contactId=${contact.id}`);
      clock.advance(1000);
      await get('supervisor', `/api/v1/customers/${mei.id}`);
      clock.advance(1000);
      const h = await get('officer', `/api/v1/customers/${mei.id}/history?limit=3`);
      assert.deepEqual(
        h.data.items.map((e) => [e.action, e.actor?.displayName, e.after]),
        [
          ['customer.particulars_viewed', 'Test supervisor', { by: 'role', contactId: null }],
          ['customer.particulars_viewed', 'Test officer', { contactId: contact.id }],
          [
            'customer.verification_recorded',
            'Test officer',
            h.data.items[2]!.after, // its checks and outcome, results only
          ],
        ],
      );
      const trail = await get(
        'administrator',
        `/api/v1/audit?action=customer.particulars_viewed&entityType=customer&entityId=${mei.id}`,
      );
      assert.ok(trail.data.items.length >= 3);
      assert.ok(trail.data.items.every((e) => e.action === 'customer.particulars_viewed'));
      assert.ok(trail.data.items.some((e) => e.actor?.id === t.users.officer.id));
    });

    test('the trail filters by record, actor, action and time, and combines them', async () => {
      const byActor = await get('supervisor', `/api/v1/audit?actorId=${t.users.supervisor.id}&limit=200`);
      assert.ok(byActor.data.items.length > 0);
      assert.ok(byActor.data.items.every((e) => e.actor?.id === t.users.supervisor.id));

      const byRecord = await get('supervisor', `/api/v1/audit?entityType=case&entityId=${caseId}`);
      assert.deepEqual(
        byRecord.data.items.map((e) => e.action),
        ['case.updated', 'case.created'],
      );
      const combined = await get(
        'supervisor',
        `/api/v1/audit?entityType=case&entityId=${caseId}&actorId=${t.users.officer.id}&action=case.updated`,
      );
      assert.deepEqual(
        combined.data.items.map((e) => e.action),
        ['case.updated'],
      );

      const system = await get('supervisor', '/api/v1/audit?actorId=system&limit=200');
      assert.ok(system.data.items.length > 0, 'the seed and the factories act as the system');
      assert.ok(system.data.items.every((e) => e.actor === null));

      // Time: from is inclusive, to exclusive; an offset is read as the instant it names.
      const all = await get('supervisor', '/api/v1/audit?limit=200');
      const created = all.data.items.find((e) => e.action === 'case.created')!;
      const window = await get(
        'supervisor',
        `/api/v1/audit?from=${encodeURIComponent(created.at)}&to=${encodeURIComponent('2026-11-23T17:03:00+08:00')}&limit=200`,
      );
      assert.ok(window.data.items.length > 0);
      assert.ok(window.data.items.every((e) => e.at >= created.at && e.at < '2026-11-23T09:03:00.000Z'));
      assert.ok(window.data.items.some((e) => e.id === created.id));
      assert.ok(!window.data.items.some((e) => e.action === 'case.updated'), 'at 09:03, excluded by to');
    });

    test('keyset pages of 50 walk the whole trail once, in order, even within one instant', async () => {
      // 60 notes in the same millisecond: the id breaks the tie.
      for (let i = 0; i < 60; i++)
        await t.services.cases.addNote(t.users.officer.actor, caseId, {
          body: `Note ${i}`,
          visibility: 'internal',
        });
      clock.advance(1000);
      const seen: AuditEntryDto[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await get('officer', `/api/v1/cases/${caseId}/history${cursor ? `?cursor=${cursor}` : ''}`);
        assert.ok(r.data.items.length <= 50);
        seen.push(...r.data.items);
        cursor = r.data.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 2);
      assert.equal(seen.length, 62);
      assert.equal(new Set(seen.map((e) => e.id)).size, 62);
      const key = (e: AuditEntryDto) => `${e.at}|${e.id}`;
      assert.deepEqual(
        seen.map(key),
        seen.map(key).sort((a, b) => (a < b ? 1 : -1)),
        'newest first, ties by id',
      );

      // The whole trail in pages of 7 is the same as one page of 200. (Each supervisor's page that
      // shows particulars adds a view row at the top, newer than the walk: left out of the comparison.)
      const walked: string[] = [];
      let c: string | null = null;
      do {
        const r = await get('supervisor', `/api/v1/audit?limit=7${c ? `&cursor=${c}` : ''}`);
        walked.push(...r.data.items.map((e) => e.id));
        c = r.data.nextCursor;
      } while (c && walked.length < 400);
      const whole = await get('supervisor', '/api/v1/audit?limit=200');
      const ids = whole.data.items.map((e) => e.id);
      assert.deepEqual(walked, ids.slice(ids.indexOf(walked[0]!)));
      // The customer history pages through its merged records the same way.
      const h1 = await get('officer', `/api/v1/customers/${mei.id}/history?limit=2`);
      const h2 = await get(
        'officer',
        `/api/v1/customers/${mei.id}/history?limit=2&cursor=${h1.data.nextCursor}`,
      );
      const hAll = await get('officer', `/api/v1/customers/${mei.id}/history?limit=4`);
      assert.deepEqual(
        [...h1.data.items, ...h2.data.items].map((e) => e.id),
        hAll.data.items.map((e) => e.id),
      );
      assert.ok(decodeCursor(h1.data.nextCursor!));
    });

    test('an unknown case or customer is a 404; an officer cannot read the whole trail', async () => {
      const unknown = '01890000-0000-7000-8000-000000000000';
      assert.equal((await t.call('officer', 'GET', `/api/v1/cases/${unknown}/history`)).statusCode, 404);
      assert.equal((await t.call('officer', 'GET', `/api/v1/customers/${unknown}/history`)).statusCode, 404);
      const r = await t.call('officer', 'GET', '/api/v1/audit');
      assert.equal(r.statusCode, 403);
      assert.equal(r.data.code, 'auth.forbidden');
    });

    // Every filter combination offered, with and without a time window and a cursor.
    const entity = { entityType: 'case', entityId: '01890000-0000-7000-8000-000000000001' };
    const FILTERS = [
      {},
      entity,
      { actorId: '01890000-0000-7000-8000-000000000002' },
      { actorId: 'system' },
      { action: 'case.updated' },
      { ...entity, actorId: '01890000-0000-7000-8000-000000000002' },
      { ...entity, action: 'case.updated' },
      { actorId: '01890000-0000-7000-8000-000000000002', action: 'case.updated' },
      { ...entity, actorId: '01890000-0000-7000-8000-000000000002', action: 'case.updated' },
    ];
    const TIMES = [
      {},
      { from: '2026-11-01T00:00:00.000Z' },
      { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    ];
    const CURSOR: [string, string] = ['2026-11-23T09:00:00.000Z', '01890000-0000-7000-8000-0000000000ff'];

    test('every filter combination seeks on an index and needs no sort', async () => {
      const db = t.ctx.store.db;
      const wrong: string[] = [];
      for (const f of FILTERS)
        for (const time of TIMES)
          for (const after of [null, CURSOR]) {
            const q = t.services.audit.pageQuery({ ...f, ...time }, after, 51).compile();
            const what = `${JSON.stringify({ ...f, ...time })} cursor=${!!after}`;
            if (dialect === 'sqlite') {
              const plan = (
                await db.executeQuery<{ detail: string }>(
                  CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]),
                )
              ).rows
                .map((r) => r.detail)
                .join(' | ');
              const filtered = Object.keys(f).length + Object.keys(time).length > 0 || after;
              const seeks = filtered
                ? /SEARCH l USING (COVERING )?INDEX audit_log_/.test(plan)
                : /SCAN l USING INDEX audit_log_at/.test(plan); // first page, no filter: the index in order, stopped by the limit
              if (!seeks || /TEMP B-TREE/.test(plan) || /SCAN l(?! USING)/.test(plan))
                wrong.push(`${what}: ${plan}`);
              if (
                'actorId' in f &&
                'action' in f &&
                f.actorId &&
                f.action &&
                !('entityType' in f) &&
                !/audit_log_actor_action_at/.test(plan)
              )
                wrong.push(`${what}: person and action together want their own index: ${plan}`);
              if (after && !/\(at,id\)<\(\?,\?\)/.test(plan))
                wrong.push(`${what}: cursor not in the seek: ${plan}`);
            } else {
              // Tiny tables make a sequential scan cheapest: forbid it, and the sort, to show that an
              // index gives the rows in page order with the filters and cursor as index conditions.
              const plan = await db.transaction().execute(async (trx) => {
                await sql`set local enable_seqscan = off`.execute(trx);
                await sql`set local enable_bitmapscan = off`.execute(trx);
                await sql`set local enable_sort = off`.execute(trx);
                const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>(
                  CompiledQuery.raw(`EXPLAIN ${q.sql}`, [...q.parameters]),
                );
                return rows.rows.map((r) => r['QUERY PLAN']).join(' | ');
              });
              if (
                !/Index Scan( Backward)? using audit_log_\w+ on audit_log l/.test(plan) ||
                /Sort|Seq Scan on audit_log/.test(plan)
              )
                wrong.push(`${what}: ${plan}`);
              if (after && !/Index Cond: .*ROW\((l\.)?at, (l\.)?id\) < ROW/.test(plan))
                wrong.push(`${what}: cursor not an index condition: ${plan}`);
            }
          }
      assert.deepEqual(wrong, []);
    });
  });
}
