import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { lookupKeys } from '../../src/server/modules/customers/customers.repo.ts';
import { CustomersService } from '../../src/server/modules/customers/customers.service.ts';
import { namePrefixes, normalizeName } from '../../src/server/modules/customers/normalize.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * The name search is correct at any size: thousands of customers share two long surnames (each
 * far past the 2,000 lookup rows the old search stopped at) and short given names, every full
 * name is unique, and each customer is found by their full name, in either word order.
 */
const SURNAMES = ['Fernandez', 'Rahmanisah'];
const GIVEN =
  'Wei Ming Hui Li Jia Xin Kai Jun Mei Hao Yi Zhi Nur Ali Ravi Yan Bo Lan An Ke Lu Qi Su Ye Zi Fa Ho Ng Oh Po Ty Ud Vo Wu Xu Ya Za Bi Ce Do Eu Fu Ga Ha Ik Jo Ku Le Mo Na Ob Pi'.split(
    ' ',
  );
const N = 5000;

const nameAt = (i: number) =>
  `${SURNAMES[i % 2]} ${GIVEN[Math.floor(i / 2) % GIVEN.length]} ${GIVEN[Math.floor(i / (2 * GIVEN.length)) % GIVEN.length]}`;

for (const dialect of await dialects()) {
  describe(`customer name search at size on ${dialect}`, () => {
    let t: TestApp;
    const ids: string[] = [];
    before(async () => {
      t = await makeTestApp(dialect);
      const db = t.ctx.store.db;
      const at = '2026-11-01T00:00:00.000Z';
      // Rows written directly (as a bulk import would), keys through the app's own lookupKeys().
      for (let from = 0; from < N; from += 500) {
        const rows = [];
        for (let i = from; i < Math.min(N, from + 500); i++) {
          const id = `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`;
          ids.push(id);
          rows.push({
            id,
            display_name: nameAt(i),
            name_norm: normalizeName(nameAt(i)),
            id_type: null,
            id_number: null,
            date_of_birth: null,
            phones: '[]',
            emails: '[]',
            address: null,
            preferred_language: null,
            preferred_channel: null,
            particular_needs: '[]',
            consent: '{}',
            segment: null,
            created_at: at,
            updated_at: at,
            version: 1,
            merged_into_id: null,
            merged_at: null,
          });
        }
        await db.insertInto('customers').values(rows).execute();
        // No identifiers here, so the lookup index has nothing for them: names go to the full-text index.
        assert.deepEqual(
          rows.flatMap((r) => lookupKeys(r, [], [], 'SG')),
          [],
        );
        await db
          .insertInto('customer_names')
          .values(
            rows.map((r) => ({ customer_id: r.id, words: r.name_norm, prefixes: namePrefixes(r.name_norm) })),
          )
          .execute();
      }
      await sql`analyze`.execute(db);
    });
    after(() => t.close());

    const search = (q: string) =>
      t.services.customers.search({ userId: t.users.officer.id, role: 'officer', via: 'token' }, q, 20);

    test('every one of 300 sampled customers is found by full name, in any word order', async () => {
      let found = 0;
      const missed: string[] = [];
      for (let k = 0; k < 300; k++) {
        const i = (k * 7919) % N;
        const [s, g1, g2] = nameAt(i).split(' ');
        const q = k % 2 ? nameAt(i) : `${g1} ${g2} ${s}`;
        const hits = await search(q);
        if (hits.some((h) => h.id === ids[i])) found++;
        else missed.push(q);
      }
      assert.equal(found, 300, `missed: ${missed.slice(0, 5).join('; ')}`);
    });

    test('a full name typed as stored comes first; a prefix of the last word still finds', async () => {
      const i = 4321;
      const hits = await search(nameAt(i));
      assert.equal(hits[0]?.id, ids[i]);
      const partial = nameAt(i).slice(0, -1);
      assert.ok(
        (await search(partial)).some((h) => h.id === ids[i]),
        partial,
      );
    });

    test('more namesakes than a page holds: the page is all namesakes and says more match', async () => {
      const officer = { userId: t.users.officer.id, role: 'officer', via: 'token' } as const;
      const name = 'Dinesh Quorvan Chandran';
      for (let k = 0; k < 12; k++) await t.services.customers.create(officer, { displayName: name });
      const page = await t.services.customers.searchPage(officer, name, 10);
      assert.equal(page.items.length, 10);
      assert.ok(page.items.every((h) => h.displayName === name));
      assert.equal(page.more, true);
      const all = await t.services.customers.searchPage(officer, name, 20);
      assert.equal(all.items.length, 12);
      assert.equal(all.more, false);
      const api = await t.call('officer', 'GET', `/api/v1/customers?q=${encodeURIComponent(name)}&limit=10`);
      assert.equal(api.statusCode, 200, api.body);
      assert.equal(api.data.items.length, 10);
      assert.equal(api.data.more, true);
    });

    test('a word nobody has finds nobody', async () => {
      assert.deepEqual(await search('Fernandez Quixotic'), []);
    });

    test('its statements seek indexes (SQLite: no scan of any customers table; PostgreSQL: of the name index)', async () => {
      const db = t.ctx.store.db;
      const captured: CompiledQuery[] = [];
      // The same service over a Kysely that records each statement it compiles.
      const recording = db.withPlugin({
        transformQuery: ({ node, queryId }) => {
          captured.push(db.getExecutor().compileQuery(node, queryId));
          return node;
        },
        transformResult: async ({ result }) => result,
      });
      const service = new CustomersService(
        { ...t.ctx, store: { ...t.ctx.store, db: recording } },
        async () => false,
      );
      const actor = { userId: t.users.officer.id, role: 'officer', via: 'token' } as const;
      for (const q of ['Fernandez Wei Ming', 'Ming Wei Rahmanisah', 'rahmanisah l', 'S1234567D', '9123 4567'])
        await service.search(actor, q, 20);
      assert.ok(captured.length >= 5);
      const explain = dialect === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN';
      const scan =
        dialect === 'sqlite'
          ? /^SCAN (customers|customer_lookup|customer_names|n)\b/
          : // PostgreSQL plans by size: at 5,000 rows it may rightly read all of customers for a few
            // hundred ids, and this table's lookup index is empty; the name index is never scanned.
            /Seq Scan on customer_names\b/;
      for (const c of captured) {
        const plan = await db.executeQuery<Record<string, string>>(
          CompiledQuery.raw(`${explain} ${c.sql}`, [...c.parameters]),
        );
        for (const row of plan.rows) {
          const line = dialect === 'sqlite' ? row.detail! : row['QUERY PLAN']!;
          assert.doesNotMatch(line, scan, `${line} in ${c.sql}`);
        }
      }
    });
  });
}
