import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import { passwordRule } from '../../src/server/modules/people/password-policy.ts';
import { ERRORS } from '../../src/server/platform/errors.ts';
import { fieldErrors } from '../../src/server/platform/http.ts';
import { FIELD_RULES, SCHEMA_RULES } from '../../src/shared/field-rules.ts';
import { scanTemplate } from '../../src/shared/templating.ts';
import { en } from '../../src/web/i18n/en.ts';
import { problemWords, ruleWords, t, term } from '../../src/web/i18n/index.ts';
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

describe('what the server says, in the catalogue (issue 12.8)', () => {
  const english = new Map(leaves(en));
  /** A rule's English: its one form, or its plural's `other` (a rule worded by `limit`). */
  const ruleEnglish = (rule: string) =>
    english.get(`fieldRule.${rule}`) ?? english.get(`fieldRule.${rule}_other`);

  test('every problem code the server has is in the catalogue, in the English of its title', () => {
    const missing = Object.keys(ERRORS).filter((code) => !english.has(`problem.${code}`));
    assert.deepEqual(missing, [], 'codes with no problem.<code> in src/web/i18n/en-problems.ts');
    for (const [code, e] of Object.entries(ERRORS))
      assert.equal(english.get(`problem.${code}`), e.title, `problem.${code} says what ERRORS says`);
    assert.equal(problemWords('case.not_found'), 'No such case');
    assert.equal(problemWords('request.invalid'), 'The request is not valid');
    // A code a newer server sends: no words, so the desktop shows the server's own title.
    assert.equal(problemWords('case.no_such_code_yet'), undefined);
  });

  test('every rule a field error can carry is in the catalogue, and nothing else is', () => {
    const missing = FIELD_RULES.filter((r) => ruleEnglish(r) === undefined);
    assert.deepEqual(missing, [], 'rules with no fieldRule.<rule> in src/web/i18n/en-problems.ts');
    const rules = new Set<string>(FIELD_RULES);
    const stale = [...english.keys()]
      .filter((k) => k.startsWith('fieldRule.'))
      .map((k) => k.slice('fieldRule.'.length).replace(/_(one|other)$/, ''))
      .filter((r) => !rules.has(r));
    assert.deepEqual(stale, [], 'fieldRule.<rule> for a rule src/shared/field-rules.ts does not have');
    assert.equal(ruleWords('never_a_rule'), undefined);
  });

  test("a rule's words with its params put in read as the server's English does", () => {
    // Request validation: Ajv's errors through the server's own mapping, then the catalogue.
    const addFormats = (addFormatsModule as unknown as { default: { default: (ajv: Ajv) => Ajv } }).default
      .default;
    const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    const validate = ajv.compile({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      minProperties: 20,
      properties: {
        name: { type: 'string' },
        empty: { type: 'string', minLength: 1 },
        note: { type: 'string', minLength: 12, maxLength: 2 },
        code: { type: 'string', pattern: '^[A-Z]+$', maxLength: 1 },
        tags: { type: 'array', minItems: 2, maxItems: 1, uniqueItems: true },
        one: { type: 'array', minItems: 1 },
        status: { type: 'string', enum: ['open', 'closed'] },
        at: { type: 'string', format: 'date-time' },
        limit: { type: 'integer', minimum: 1, maximum: 200 },
        big: { type: 'integer', maximum: 200 },
        gt: { type: 'number', exclusiveMinimum: 3, exclusiveMaximum: 1, multipleOf: 5 },
        kind: { const: 'email' },
        any: { anyOf: [{ type: 'string' }, { type: 'number' }] },
        either: { oneOf: [{ type: 'string' }, { type: 'string' }] },
        few: { type: 'object', maxProperties: 1 },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'string' }], additionalItems: false },
      },
    });
    validate({
      ...{ empty: '', note: 'abc', code: 'ab', tags: ['a', 'a'], one: [], status: 'x', at: 'y' },
      ...{
        limit: 0.5,
        big: 201,
        gt: 2,
        kind: 'x',
        any: true,
        either: 'x',
        few: { a: 1, b: 2 },
        pair: ['a', 'b', 'c'],
        extra: 1,
      },
    });
    const errors = fieldErrors(validate.errors ?? [], 'body');
    // Every keyword the server has a rule for fails here at least once…
    assert.deepEqual([...new Set(errors.map((e) => e.rule))].sort(), [...SCHEMA_RULES].sort());
    // …and the catalogue words it as the server does. (A list of types is the one difference:
    // Ajv writes "string,null", the desktop "string, null".)
    for (const e of errors) assert.equal(ruleWords(e.rule, e.params), e.message, `${e.field} ${e.rule}`);
    // Hand-written checks that carry values: template scans and the password policy.
    for (const p of scanTemplate('{{customer.nickname}} {{}} {x} {{case.reference', ['officer.name'])
      .problems)
      assert.equal(ruleWords(p.rule, p.params), p.message, p.rule);
    for (const pw of ['short', 'x'.repeat(300), 'olivia-tan-forever', 'password1234']) {
      const p = passwordRule(pw, { username: 'olivia', displayName: 'Olivia Tan' });
      assert.ok(p, pw);
      assert.equal(ruleWords(p.rule, p.params), p.message, p.rule);
    }
  });
});
