import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { corpusFiles, corpusQueries, corpusSynonyms } from './corpus.ts';

/** Top three slugs per query, per database: compared at the end. */
const tops = new Map<string, Map<string, string[]>>();

async function loadCorpus(t: TestApp) {
  const report = await t.services.kbTransfer.import(SYSTEM_ACTOR, { files: corpusFiles(), publish: true });
  assert.deepEqual(report.skipped, [], 'every corpus file imports');
  await t.services.knowledge.setSynonyms(SYSTEM_ACTOR, { groups: corpusSynonyms() });
  return report;
}

for (const dialect of await dialects()) {
  describe(`knowledge search quality on ${dialect}`, () => {
    test('for every realistic query (typos, plurals, synonyms, prefixes) the expected article is in the top 3', async () => {
      const t = await makeTestApp(dialect);
      try {
        const report = await loadCorpus(t);
        assert.ok(report.created.length >= 100, `corpus of ${report.created.length} articles`);
        const queries = corpusQueries();
        assert.ok(queries.length >= 30);
        const misses: string[] = [];
        const mine = new Map<string, string[]>();
        for (const q of queries) {
          const { items } = await t.services.knowledge.find(q.query, { audience: 'internal', limit: 3 });
          const slugs = items.map((h) => h.slug);
          mine.set(q.query, slugs);
          if (!slugs.includes(q.expect))
            misses.push(`"${q.query}" (${q.why}) → ${slugs.join(', ') || 'nothing'}; wanted ${q.expect}`);
        }
        tops.set(dialect, mine);
        assert.deepEqual(misses, [], `${misses.length} of ${queries.length} queries missed`);
      } finally {
        await t.close();
      }
    });
  });
}

test('both databases give the same top three for every query', {
  skip: (await dialects()).length < 2,
}, () => {
  const [a, b] = [tops.get('sqlite'), tops.get('postgres')];
  assert.ok(a && b, 'both runs happened');
  const differ = [...a].filter(([q, s]) => JSON.stringify(s) !== JSON.stringify(b.get(q)));
  assert.deepEqual(
    differ.map(([q, s]) => `${q}: sqlite ${s.join(', ')} | postgres ${b.get(q)?.join(', ')}`),
    [],
  );
});
