import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KnowledgeSearch } from '../../src/server/modules/knowledge/search.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/** An article about a word no other article uses, so a typo of it can only be corrected to it. */
const femtocell = (title: string) => ({
  title,
  body: 'A femtocell is a small home base station that improves indoor coverage over broadband.',
  kind: 'product' as const,
  audience: 'internal' as const,
  tags: ['coverage'],
});

for (const dialect of await dialects()) {
  describe(`knowledge vocabulary on ${dialect}`, () => {
    test('publishing and archiving update typo correction at once, without reloading the vocabulary', async () => {
      const t = await makeTestApp(dialect);
      const kb = t.services.knowledge;
      const typo = (q = 'femptocell') => kb.find(q, { audience: 'internal', limit: 5, prefix: false });
      try {
        await kb.create(
          SYSTEM_ACTOR,
          { title: 'Roaming day pass', body: 'The day pass costs $10 per 24 hours.', kind: 'product' },
          { publish: true },
        );
        assert.equal((await kb.find('roaming', { audience: 'internal', limit: 5 })).items.length, 1);
        assert.equal(kb.search.loads, 1, 'the first search loads the vocabulary');
        assert.deepEqual(await typo(), { items: [], corrected: {} }, 'nothing to correct to yet');

        const a = await kb.create(SYSTEM_ACTOR, femtocell('Femtocell for weak indoor signal'), {
          publish: true,
        });
        const found = await typo();
        assert.deepEqual(found.corrected, { femptocell: 'femtocell' }, 'corrected right after publishing');
        assert.deepEqual(
          found.items.map((h) => h.articleId),
          [a.id],
        );

        await kb.archive(SYSTEM_ACTOR, a.id);
        assert.deepEqual(await typo(), { items: [], corrected: {} }, 'no correction to a word nothing uses');
        assert.equal(kb.search.loads, 1, 'publish and archive were applied to the cached vocabulary');

        // A publish whose transaction rolls back leaves nothing behind.
        await assert.rejects(
          t.ctx.store.db.transaction().execute(async (trx) => {
            await kb.createIn(trx, SYSTEM_ACTOR, femtocell('Femtocell (rolled back)'), 'Imported');
            throw new Error('rollback');
          }),
          /rollback/,
        );
        assert.deepEqual(await typo(), { items: [], corrected: {} }, 'a rolled-back publish is not applied');

        // Another process (its own KnowledgeSearch) indexes an article: this one notices within a
        // second and reloads, since that change is not one of its own.
        const other = new KnowledgeSearch(t.ctx);
        await t.ctx.store.db.transaction().execute(async (trx) => {
          const b = await kb.createIn(trx, SYSTEM_ACTOR, femtocell('Femtocell setup'));
          await other.index(trx, {
            articleId: b,
            versionId: 'elsewhere',
            audience: 'internal',
            kind: 'product',
            title: 'Femtocell setup',
            tags: [],
            plain: 'Plug the femtocell into the broadband router.',
            publishedAt: '2026-11-23T09:00:00.000Z',
            usageCount: 0,
          });
        });
        await sleep(1100);
        assert.deepEqual((await typo()).corrected, { femptocell: 'femtocell' });
        assert.equal(kb.search.loads, 2, "another process's write is a full reload");
      } finally {
        await t.close();
      }
    });
  });
}
