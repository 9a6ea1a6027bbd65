import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { LEGACY_PLACEHOLDERS, scanTemplate, upgradeLegacyPlaceholders } from '../../src/shared/templating.ts';
import { openTestDb } from '../helpers/db.ts';

const ROOT = path.resolve(import.meta.dirname, '../../src');
/** A single-brace placeholder `{name}` that is not part of `{{…}}`, `${…}` or a regex's `\p{…}`. */
const SINGLE = /(?<![{$\\p])\{([A-Za-z][\w.]*)\}(?!\})/g;
/** String literals ('…', "…", `…`) on one line; JSX expressions such as {label} are code, not text. */
const STRING = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|md|json|html)$/.test(e.name) ? [p] : [];
  });
}

describe('one template syntax', () => {
  test('the retired names are translated; other text is left as written', () => {
    assert.equal(
      upgradeLegacyPlaceholders(
        'Dear {customerName}, {caseReference} by {dueDate} — {officerName}, {officer}: {subject}',
      ),
      'Dear {{customer.name}}, {{case.reference}} by {{case.dueAt}} — {{officer.name}}, {{officer.name}}: {{case.subject}}',
    );
    assert.equal(
      upgradeLegacyPlaceholders('{{customer.name}} {other} {constructor}'),
      '{{customer.name}} {other} {constructor}',
    );
    for (const to of Object.values(LEGACY_PLACEHOLDERS))
      assert.deepEqual(scanTemplate(`{{${to}}}`).problems, []);
    const messages = (text: string, available?: string[]) =>
      scanTemplate(text, available).problems.map((p) => p.message);
    assert.deepEqual(messages('Hi {name} and {name}, {{customer.name}}'), [
      'uses {name}: a placeholder is written {{variable}}',
    ]);
    assert.deepEqual(messages('{{officer.name}} {{customer.name}}', ['officer.name']), [
      'uses {{customer.name}}, which is not available here',
    ]);
  });

  test('no single-brace placeholder is left anywhere in src/', () => {
    const found: string[] = [];
    const retired = Object.keys(LEGACY_PLACEHOLDERS);
    for (const file of sourceFiles(ROOT)) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      // Any retired name in braces, wherever it is (strings, comments, JSX text, docs).
      for (const m of text.matchAll(SINGLE)) {
        if (retired.includes(m[1]!)) found.push(`${rel}: ${m[0]}`);
      }
      // Any other single-brace placeholder inside a string: text that would reach someone as written.
      if (/\.tsx?$/.test(file)) {
        for (const s of text.matchAll(STRING)) {
          for (const m of s[0].matchAll(SINGLE)) {
            if (!retired.includes(m[1]!)) found.push(`${rel}: ${m[0]} in ${s[0].slice(0, 80)}`);
          }
        }
      }
    }
    assert.deepEqual(found, []);
  });

  test('the demo centre holds no single-brace placeholder in its settings, templates or scripts, and the defaults scan clean', async () => {
    const store = await openTestDb('sqlite');
    try {
      const ctx: Ctx = {
        store,
        clock: fixedClock('2026-11-23T09:00:00.000Z'),
        config: loadConfig({ FRONTLINE_DATA_DIR: fs.mkdtempSync('/tmp/frontline-syntax-') }),
      };
      await seedDemo(ctx, { customers: 5, cases: 10 });
      const db = store.db;
      const texts: string[] = [];
      for (const r of await db.selectFrom('settings').select(['key', 'value']).execute())
        texts.push(`setting ${r.key}: ${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}`);
      for (const r of await db.selectFrom('templates').select(['name', 'subject', 'body']).execute())
        texts.push(`template ${r.name}: ${r.subject ?? ''} ${r.body}`);
      for (const r of await db.selectFrom('call_scripts').select(['name', 'steps']).execute())
        texts.push(`script ${r.name}: ${typeof r.steps === 'string' ? r.steps : JSON.stringify(r.steps)}`);
      assert.ok(texts.some((t) => t.startsWith('template ')) && texts.some((t) => t.startsWith('script ')));
      assert.deepEqual(
        texts.filter((t) => [...t.matchAll(SINGLE)].length > 0),
        [],
      );
      // What a centre that never changed them sends: the defaults of the progress update and greeting.
      const { DEFAULT_SLA_SETTINGS } = await import('../../src/server/modules/sla/escalations.service.ts');
      assert.deepEqual(scanTemplate(DEFAULT_SLA_SETTINGS.progressUpdateTemplate).problems, []);
      assert.ok(scanTemplate(DEFAULT_SLA_SETTINGS.progressUpdateTemplate).used.includes('case.dueAt'));
    } finally {
      await store.close();
    }
  });
});
