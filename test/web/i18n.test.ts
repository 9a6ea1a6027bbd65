import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { en } from '../../src/web/i18n/en.ts';
import { t, term } from '../../src/web/i18n/index.ts';
import { pseudoCatalogue, pseudoString } from '../../src/web/i18n/pseudo.ts';
import { dueIn, duration, seconds } from '../../src/web/ui/format.ts';

type Tree = { readonly [k: string]: string | Tree };
const leaves = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  );

describe('the i18n layer (issue 12.8)', () => {
  test('English by default, values put in, plurals by count, codes in words', () => {
    assert.equal(t('shell.signOut'), 'Sign out');
    assert.equal(t('props.ownerIs', { owner: 'you' }), 'Owner: you');
    assert.equal(t('queues.fresh', { count: 1 }), '1 new case in this queue');
    assert.equal(t('queues.fresh', { count: 3 }), '3 new cases in this queue');
    assert.equal(term('status', 'pending_customer'), 'pending customer');
    // A code the catalogue does not know yet is humanised, not hidden.
    assert.equal(term('status', 'on_hold_forever'), 'on hold forever');
    // React escapes; the catalogue must not escape again.
    assert.equal(t('cases.eventDetail.reason', { reason: 'A & B <c>' }), ' — “A & B <c>”');
  });

  test('the durations format.ts says keep their English words', () => {
    assert.equal(duration(45 * 60_000), '45 min');
    assert.equal(duration(65 * 60_000), '1 h 5 min');
    assert.equal(duration(27 * 3_600_000), '1 d 3 h');
    assert.equal(seconds(252), '4 min 12 s');
    assert.equal(dueIn(new Date(Date.now() + 2 * 3_600_000 + 10_000).toISOString()), 'in 2 h');
    assert.match(dueIn(new Date(Date.now() - 3 * 3_600_000).toISOString()), /^overdue by 3 h/);
  });

  test('en-XA: every string wrapped and accented, values verbatim, same keys as English', () => {
    assert.equal(pseudoString('Owner: {{owner}}'), '⟦ÓÓŵñééŕ: {{owner}}⟧');
    assert.equal(pseudoString(''), '');
    const english = leaves(en);
    const pseudo = new Map(leaves(pseudoCatalogue(en)));
    assert.equal(pseudo.size, english.length);
    for (const [key, text] of english) {
      const p = pseudo.get(key)!;
      assert.ok(p.startsWith('⟦') && p.endsWith('⟧'), key);
      // Every interpolation survives, and no plain ASCII letter is left outside them.
      const values = text.match(/\{\{[^}]*\}\}/g) ?? [];
      for (const v of values) assert.ok(p.includes(v), `${key} keeps ${v}`);
      assert.doesNotMatch(p.replace(/\{\{[^}]*\}\}/g, ''), /[A-Za-z]/, key);
    }
  });
});
