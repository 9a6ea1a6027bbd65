import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RANKED, WINDOW } from '../../src/server/modules/cases/case-search.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

/**
 * Case search stays complete and honest as the data grows. Cases and notes are loaded in bulk beside
 * the service (copies of one real case, then indexMissing), 2 notes a case sharing one word:
 *  - at 600 cases the word's count is exact, ranked by relevance, and the page is full;
 *  - at 10,000 cases (20,000 notes with the word) the count says "more than RANKED" instead of
 *    stopping silently, the page is the newest cases, a rare word in the oldest case is still
 *    found, and a filter that keeps a few old cases among the common word's matches finds all of them;
 *  - the engine is asked two queries per search, whatever the size.
 */
const LIMIT = 10;

for (const dialect of await dialects()) {
  describe(`case search at scale on ${dialect}`, () => {
    let t: TestApp;
    let template: Record<string, unknown>;
    let made = 0;
    const ids: string[] = [];
    before(async () => {
      t = await makeTestApp(dialect);
      const { case: c } = await buildCase(t, { subject: 'Template case' });
      template = (await t.ctx.store.db
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow()) as Record<string, unknown>;
    });
    after(() => t.close());

    /** Up to `n` cases in all, each with two notes mentioning "zebra"; the first also "quetzal". */
    async function grow(n: number) {
      const db = t.ctx.store.db;
      const base = Date.parse('2026-01-01T00:00:00.000Z');
      for (let start = made; start < n; start += 500) {
        const rows = [];
        const notes = [];
        for (let i = start; i < Math.min(n, start + 500); i++) {
          const at = new Date(base + i * 60_000).toISOString();
          const id = newId();
          ids.push(id);
          rows.push({
            ...template,
            id,
            reference: `CS-${String(900000 + i)}`,
            subject: `Billing query ${i}`,
            description: i === 0 ? 'The customer saw a quetzal' : `Enquiry number ${i}`,
            // Every 1000th case belongs to the team leader: a filter that keeps a few old ones.
            assignee_id: i % 1000 === 0 ? t.users.team_leader.id : t.users.officer.id,
            created_at: at,
            updated_at: at,
          });
          for (const k of [0, 1])
            notes.push({
              id: newId(),
              case_id: id,
              author_id: t.users.officer.id,
              visibility: k ? 'public' : 'internal',
              body: `Called back about the zebra tariff (${i}.${k})`,
              contact_id: null,
              created_at: at,
            });
        }
        await db
          .insertInto('cases')
          .values(rows as never)
          .execute();
        await db.insertInto('case_notes').values(notes).execute();
      }
      made = n;
      await t.services.caseSearch.indexMissing(1000);
    }

    const search = async (qs: string) => {
      const r = await t.call('officer', 'GET', `/api/v1/search?kind=cases&limit=${LIMIT}&${qs}`);
      assert.equal(r.statusCode, 200, r.body);
      return r.data.cases;
    };

    test('600 cases: the count is exact and the page full, by relevance', async () => {
      await grow(600);
      const r = await search('q=zebra');
      assert.equal(r.total, 600);
      assert.equal(r.exact, true);
      assert.equal(r.more, true);
      assert.equal(r.order, 'relevance');
      assert.equal(r.items.length, LIMIT);
      assert.equal(t.services.caseSearch.lastWork.engineQueries, 2);
    });

    test('10,000 cases, 20,000 notes sharing a word: "more than RANKED", newest first, nothing lost', async () => {
      await grow(10_000);
      const r = await search('q=zebra');
      assert.equal(r.total, RANKED);
      assert.equal(r.exact, false, 'the count says "at least", it does not pretend');
      assert.equal(r.more, true);
      assert.equal(r.order, 'newest');
      assert.deepEqual(
        r.items.map((h: { caseId: string }) => h.caseId),
        ids.slice(-LIMIT).reverse(),
      );
      assert.equal(t.services.caseSearch.lastWork.engineQueries, 2);

      const rare = await search('q=quetzal');
      assert.deepEqual(
        rare.items.map((h: { caseId: string }) => h.caseId),
        [ids[0]],
      );
      assert.equal(rare.exact, true);

      // The team leader's ten cases, spread through the 10,000, among the common word's matches.
      const mine = await search(`q=zebra&assigneeId=${t.users.team_leader.id}`);
      assert.equal(mine.total, 10);
      assert.equal(mine.exact, true);
      assert.equal(mine.order, 'newest');
      assert.equal(mine.window, null);
      assert.deepEqual(
        mine.items.map((h: { caseId: string }) => h.caseId).sort(),
        ids.filter((_, i) => i % 1000 === 0).sort(),
      );

      // A status filter (not indexed) on a word in 10,000 cases: checked on the newest WINDOW, and said so.
      const open = await search('q=zebra&status=open');
      assert.equal(open.window, WINDOW);
      assert.equal(open.more, true);
      assert.equal(open.exact, false);
      assert.deepEqual(
        open.items.map((h: { caseId: string }) => h.caseId),
        ids.slice(-LIMIT).reverse(),
      );

      // Both words: the rare one bounds the match; the common one is too common for bm25's statistics.
      const both = await search('q=zebra%20quetzal');
      assert.equal(both.total, 1);
      assert.equal(both.items[0].caseId, ids[0]);
      assert.equal(both.order, dialect === 'sqlite' ? 'subject_first' : 'relevance');
    });
  });
}
