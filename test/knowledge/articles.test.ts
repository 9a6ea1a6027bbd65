import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderMarkdown } from '../../src/server/modules/knowledge/markdown.ts';
import { fixedClock, makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

for (const dialect of await dialects()) {
  describe(`knowledge articles on ${dialect}`, () => {
    test('draft → review → published with the approver recorded; an officer cannot publish; drafts never show publicly', async () => {
      const t = await makeTestApp(dialect);
      try {
        const created = await t.call('officer', 'POST', '/api/v1/kb/articles', {
          title: 'Roaming day pass',
          body: 'The **day pass** costs $10 a day.',
          kind: 'product',
          audience: 'public',
          tags: ['roaming'],
        });
        assert.equal(created.statusCode, 201);
        const id = created.data.id as string;
        assert.equal(created.data.status, 'draft');
        assert.equal(created.data.slug, 'roaming-day-pass');
        // Not published: invisible to search, public pages and non-writers.
        assert.equal((await t.call('officer', 'GET', '/api/v1/kb/search?q=roaming')).data.items.length, 0);
        assert.equal((await t.call(null, 'GET', '/api/v1/public/kb/search?q=roaming')).data.items.length, 0);
        assert.equal(
          (await t.call(null, 'GET', '/api/v1/public/kb/articles/roaming-day-pass')).statusCode,
          404,
        );
        assert.equal((await t.call('trainee', 'GET', `/api/v1/kb/articles/${id}`)).statusCode, 404);
        assert.equal((await t.call(null, 'GET', '/help/roaming-day-pass')).statusCode, 404);

        assert.equal(
          (await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/submit`)).data.status,
          'in_review',
        );
        const officerApprove = await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/approve`, {});
        assert.equal(officerApprove.statusCode, 403, 'an officer cannot publish');
        const rejected = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${id}/reject`, {
          note: 'Say it is per 24 hours',
        });
        assert.equal(rejected.data.draft.state, 'rejected');
        assert.equal(rejected.data.draft.reviewNote, 'Say it is per 24 hours');
        await t.call('officer', 'PATCH', `/api/v1/kb/articles/${id}/draft`, {
          body: 'The **day pass** costs $10 per 24 hours.',
        });
        await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/submit`);
        const approved = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${id}/approve`, {
          note: 'Good',
        });
        assert.equal(approved.statusCode, 200);
        assert.equal(approved.data.status, 'published');
        assert.equal(approved.data.published.reviewedBy, t.users.team_leader.id, 'who approved is recorded');
        assert.match(approved.data.published.bodyHtml, /<strong>day pass<\/strong>/);

        const hits = (await t.call(null, 'GET', '/api/v1/public/kb/search?q=roaming')).data.items;
        assert.deepEqual(
          hits.map((h: { slug: string }) => h.slug),
          ['roaming-day-pass'],
        );
        const page = await t.call(null, 'GET', '/help/roaming-day-pass');
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /per 24 hours/);

        // A second version: the published one stays live until the new one is approved; then a diff.
        await t.call('officer', 'PATCH', `/api/v1/kb/articles/${id}/draft`, {
          title: 'Roaming day pass (Asia)',
          body: 'The day pass costs $8 per 24 hours in Asia.',
        });
        const pub = await t.call(null, 'GET', '/api/v1/public/kb/articles/roaming-day-pass');
        assert.match(pub.data.bodyHtml, /\$10/, 'the draft is not public');
        await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/submit`);
        await t.call('supervisor', 'POST', `/api/v1/kb/articles/${id}/approve`, {});
        const versions = (await t.call('officer', 'GET', `/api/v1/kb/articles/${id}/versions`)).data.items;
        assert.deepEqual(
          versions.map((v: { number: number; state: string }) => [v.number, v.state]),
          [
            [2, 'published'],
            [1, 'superseded'],
          ],
        );
        const d = (await t.call('officer', 'GET', `/api/v1/kb/articles/${id}/diff?from=1&to=2`)).data;
        assert.ok(
          d.title.some((p: { added: boolean; value: string }) => p.added && p.value.includes('Asia')),
        );
        assert.ok(
          d.body.some((p: { removed: boolean; value: string }) => p.removed && p.value.includes('$10')),
        );

        // Archived: out of search and the help centre.
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${id}/archive`);
        assert.equal((await t.call('officer', 'GET', '/api/v1/kb/search?q=roaming')).data.items.length, 0);
        assert.equal((await t.call(null, 'GET', '/help/roaming-day-pass')).statusCode, 404);
        const trail = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('action')
          .where('entity_id', '=', id)
          .execute();
        assert.deepEqual(
          trail.map((r) => r.action).filter((a) => ['publish', 'reject', 'archive'].includes(a)),
          ['reject', 'publish', 'publish', 'archive'],
        );
      } finally {
        await t.close();
      }
    });

    test('an internal article never reaches the public search or pages', async () => {
      const t = await makeTestApp(dialect);
      try {
        const a = await t.call('team_leader', 'POST', '/api/v1/kb/articles', {
          title: 'Waiver limits by role',
          body: 'Officers may waive up to $50.',
          kind: 'policy',
        });
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.data.id}/submit`);
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.data.id}/approve`, {});
        assert.equal((await t.call('officer', 'GET', '/api/v1/kb/search?q=waiver')).data.items.length, 1);
        assert.equal((await t.call(null, 'GET', '/api/v1/public/kb/search?q=waiver')).data.items.length, 0);
        assert.equal(
          (await t.call(null, 'GET', '/api/v1/public/kb/articles/waiver-limits-by-role')).statusCode,
          404,
        );
        assert.doesNotMatch((await t.call(null, 'GET', '/help?q=waiver')).body, /Waiver limits/);
      } finally {
        await t.close();
      }
    });

    test('usage is counted per article and per case, and the report says which resolved', async () => {
      const t = await makeTestApp(dialect);
      try {
        const a = await t.call('team_leader', 'POST', '/api/v1/kb/articles', {
          title: 'Late payment fee',
          body: 'A $5 fee applies after the due date.',
          kind: 'billing',
        });
        const id = a.data.id as string;
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${id}/submit`);
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${id}/approve`, {});
        const { case: c1 } = await buildCase(t);
        const { case: c2 } = await buildCase(t);
        assert.equal(
          (
            await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/usage`, {
              action: 'viewed',
              caseId: c1.id,
            })
          ).data.usageCount,
          0,
        );
        assert.equal(
          (
            await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/usage`, {
              action: 'answered',
              caseId: c1.id,
            })
          ).data.usageCount,
          1,
        );
        assert.equal(
          (
            await t.call('officer', 'POST', `/api/v1/kb/articles/${id}/usage`, {
              action: 'linked',
              caseId: c2.id,
            })
          ).data.usageCount,
          2,
        );
        await t.call('officer', 'POST', `/api/v1/cases/${c1.id}/transitions`, {
          action: 'resolve',
          resolutionSummary: 'Explained the fee',
        });
        const report = (await t.call('team_leader', 'GET', '/api/v1/kb/usage')).data.items;
        assert.deepEqual(report, [
          { articleId: id, title: 'Late payment fee', uses: 2, cases: 2, resolvedCases: 1 },
        ]);
        const hit = (await t.call('officer', 'GET', '/api/v1/kb/search?q=late fee')).data.items[0];
        assert.equal(hit.usageCount, 2);
      } finally {
        await t.close();
      }
    });
  });
}

describe('Markdown rendering is safe', () => {
  const XSS: [string][] = [
    ['<script>alert(1)</script>'],
    ['<img src=x onerror=alert(1)>'],
    ['[click](javascript:alert(1))'],
    ['[click](JaVaScRiPt:alert(1))'],
    ['[click](vbscript:msgbox(1))'],
    ['[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['![x](javascript:alert(1))'],
    ['[x](&#106;avascript:alert(1))'],
    ['<a href="javascript:alert(1)">x</a>'],
    ['<iframe src="https://evil.example"></iframe>'],
    ['<svg onload=alert(1)>'],
    ['<div style="background:url(javascript:alert(1))">x</div>'],
    ['[x](file:///etc/passwd)'],
    ['<details open ontoggle=alert(1)>'],
    ['[x](//evil.example/x)'],
  ];
  /** Every element the HTML really contains, with what makes one dangerous. */
  const problems = (html: string) => {
    const out: string[] = [];
    for (const m of html.matchAll(/<([a-z][\w-]*)([^>]*)>/gi)) {
      const [tag, attrs] = [(m[1] as string).toLowerCase(), m[2] as string];
      if (!['p', 'a', 'img', 'strong', 'em', 'code', 'ul', 'ol', 'li', 'h2', 'br'].includes(tag))
        out.push(`element ${tag}`);
      if (/\son\w+\s*=/i.test(attrs)) out.push(`handler on ${tag}`);
      if (/\sstyle\s*=/i.test(attrs)) out.push(`style on ${tag}`);
      for (const u of attrs.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi))
        if (!/^(https?:\/\/|mailto:|tel:)/i.test(u[1] as string)) out.push(`url ${u[1]}`);
    }
    return out;
  };
  for (const [source] of XSS) {
    test(`${source} renders inert`, () => {
      const html = renderMarkdown(source);
      assert.deepEqual(problems(html), [], html);
    });
  }
  test('the checker itself catches what it must', () => {
    assert.deepEqual(problems('<a href="javascript:x" onclick="y">z</a><script>'), [
      'handler on a',
      'url javascript:x',
      'element script',
    ]);
  });
  test('ordinary Markdown survives: headings, lists, emphasis, safe links open in a new tab', () => {
    const html = renderMarkdown('## Steps\n\n1. Call **1800**\n2. See [the form](https://example.com/f)');
    assert.match(html, /<h2>Steps<\/h2>/);
    assert.match(html, /<ol>\s*<li>Call <strong>1800<\/strong><\/li>/);
    assert.match(
      html,
      /<a href="https:\/\/example.com\/f" target="_blank" rel="noopener noreferrer nofollow">the form<\/a>/,
    );
  });
});

describe('Markdown import', () => {
  test('each file is validated; the report says what was skipped and why', async () => {
    const t = await makeTestApp('sqlite');
    try {
      const r = await t.call('supervisor', 'POST', '/api/v1/kb/import', {
        files: [
          {
            name: 'good.md',
            content:
              '---\ntitle: Router reset\nkind: troubleshooting\ntags: [router]\naudience: public\n---\nHold the button for 10 s.',
          },
          { name: 'nofront.md', content: 'Just text' },
          { name: 'badkind.md', content: '---\ntitle: Memo\nkind: memo\n---\nx' },
          { name: 'notes.txt', content: '---\ntitle: Text\nkind: faq\n---\nx' },
          { name: 'badyaml.md', content: '---\ntitle: A: B: C\nkind: faq\n---\nx' },
          { name: 'dup.md', content: '---\ntitle: Router reset\nkind: faq\n---\nAgain' },
          { name: 'empty.md', content: '---\ntitle: Empty one\nkind: faq\n---\n' },
        ],
        publish: true,
      });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(
        r.data.created.map((c: { name: string }) => c.name),
        ['good.md'],
      );
      assert.deepEqual(
        r.data.skipped.map((s: { name: string; reason: string }) => [s.name, s.reason.split(':')[0]]),
        [
          ['nofront.md', 'no front matter (the file must start with a --- block)'],
          ['badkind.md', 'kind'],
          ['notes.txt', 'not a Markdown file (.md)'],
          ['badyaml.md', 'front matter is not valid YAML'],
          ['dup.md', 'slug router-reset appears twice in this import'],
          ['empty.md', 'the body is empty'],
        ],
      );
      const out = (await t.call('supervisor', 'GET', '/api/v1/kb/export')).data.files;
      assert.equal(out.length, 1);
      assert.match(
        out[0].content,
        /^---\ntitle: Router reset\nslug: router-reset\nkind: troubleshooting\naudience: public\ntags:\n {2}- router\n---\n\nHold the button/,
      );
      // Round trip: importing the export again updates in place.
      const again = await t.call('supervisor', 'POST', '/api/v1/kb/import', { files: out, publish: true });
      assert.deepEqual(
        [again.data.created.length, again.data.updated.length, again.data.skipped.length],
        [0, 1, 0],
      );
    } finally {
      await t.close();
    }
  });
});

for (const dialect of await dialects()) {
  test(`review dates on ${dialect}: the owner is reminded on the day; a new date reschedules; archiving cancels`, async () => {
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const t = await makeTestApp(dialect, { clock });
    const reminders = async () =>
      (
        await t.ctx.store.db
          .selectFrom('notifications')
          .select('title')
          .where('user_id', '=', t.users.officer.id)
          .where('kind', '=', 'kb.review_due')
          .execute()
      ).map((n) => n.title);
    try {
      const a = await t.call('officer', 'POST', '/api/v1/kb/articles', {
        title: 'Fibre installation steps',
        body: 'Book a slot.',
        kind: 'sop',
        reviewAt: '2026-11-25',
      });
      // A draft is not reminded: the date counts once it is published.
      await t.call('officer', 'POST', `/api/v1/kb/articles/${a.data.id}/submit`);
      await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.data.id}/approve`, {});
      clock.advance(86_400_000);
      await t.services.background.tick();
      assert.deepEqual(await reminders(), [], 'not before the date');
      // The owner moves the date one day later: one reminder, on the new date.
      await t.call('officer', 'PATCH', `/api/v1/kb/articles/${a.data.id}/draft`, { reviewAt: '2026-11-26' });
      clock.advance(86_400_000);
      await t.services.background.tick();
      assert.deepEqual(await reminders(), []);
      clock.advance(86_400_000);
      await t.services.background.tick();
      assert.deepEqual(await reminders(), ['Time to review: Fibre installation steps']);
      // The list of articles due for review shows it.
      const due = (await t.call('officer', 'GET', '/api/v1/kb/articles?reviewDue=true')).data.items;
      assert.deepEqual(
        due.map((i: { title: string }) => i.title),
        ['Fibre installation steps'],
      );
      // Archived: a later date set before archiving never fires.
      await t.call('officer', 'PATCH', `/api/v1/kb/articles/${a.data.id}/draft`, { reviewAt: '2026-12-01' });
      await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.data.id}/archive`);
      clock.advance(10 * 86_400_000);
      await t.services.background.tick();
      assert.equal((await reminders()).length, 1);
    } finally {
      await t.close();
    }
  });
}
