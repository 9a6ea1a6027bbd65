import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SCHEMA_RULES } from '../../src/shared/field-rules.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

/**
 * A field error's `rule` is the JSON Schema keyword that failed (platform/http.ts `fieldErrors`);
 * a keyword with no rule of its own comes out as the generic `invalid`, which says less. So every
 * keyword the request schemas use must be a rule (src/shared/field-rules.ts), with words in the
 * desktop's catalogue (test/web/i18n.test.ts checks that).
 */
type Schema = Record<string, unknown>;

/** Keywords that only describe, or only hold other schemas (their failures are the inner keywords'). */
const NOT_VALIDATING = new Set([
  ...['description', 'title', 'default', 'examples', 'example', '$id', '$ref', '$schema', '$comment'],
  ...['readOnly', 'writeOnly', 'deprecated', 'nullable', 'contentMediaType', 'contentEncoding'],
  ...['properties', 'patternProperties', '$defs', 'definitions', 'allOf', 'items'],
]);
const HOLDS_MAP = ['properties', 'patternProperties', '$defs', 'definitions'];
const HOLDS_LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const HOLDS_ONE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else'];

/** Every validating keyword in a schema and the schemas inside it, `$ref`s followed. */
function keywords(
  root: unknown,
  resolve: (ref: string) => unknown,
  out = new Set<string>(),
  seen = new Set<unknown>(),
) {
  if (!root || typeof root !== 'object' || seen.has(root)) return out;
  seen.add(root);
  const s = root as Schema;
  if (typeof s.$ref === 'string') keywords(resolve(s.$ref), resolve, out, seen);
  for (const [k, v] of Object.entries(s)) {
    // `additionalProperties: true` and `{}` accept anything: nothing can fail there.
    if (
      k === 'additionalProperties' &&
      (v === true || (v && typeof v === 'object' && !Object.keys(v).length))
    )
      continue;
    if (!NOT_VALIDATING.has(k)) out.add(k);
    if (HOLDS_MAP.includes(k) && v && typeof v === 'object')
      for (const inner of Object.values(v)) keywords(inner, resolve, out, seen);
    if (HOLDS_LIST.includes(k) && Array.isArray(v))
      for (const inner of v) keywords(inner, resolve, out, seen);
    if (HOLDS_ONE.includes(k)) for (const inner of [v].flat()) keywords(inner, resolve, out, seen);
  }
  return out;
}

describe('field rules cover the request schemas', () => {
  let t: TestApp;
  let doc: {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { schema?: unknown }[];
          requestBody?: { content?: Record<string, { schema?: unknown }> };
        }
      >
    >;
    components: { schemas: Record<string, unknown> };
  };
  before(async () => {
    t = await makeTestApp('sqlite');
    doc = (await t.call(null, 'GET', '/api/v1/openapi.json')).data;
  });
  after(() => t.close());

  const resolve = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')];

  test('every keyword a request can fail on is a rule of its own', () => {
    const used = new Set<string>();
    let operations = 0;
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        operations++;
        for (const p of op.parameters ?? []) keywords(p.schema, resolve, used);
        for (const media of Object.values(op.requestBody?.content ?? {}))
          keywords(media.schema, resolve, used);
      }
    }
    assert.ok(operations > 50, `the document lists the API (${operations} operations)`);
    // The walk finds what the contracts are known to use: it is not looking at nothing.
    for (const k of ['type', 'required', 'maxLength', 'format', 'enum', 'additionalProperties'])
      assert.ok(used.has(k), `${k} is found`);
    const rules = new Set<string>(SCHEMA_RULES);
    const missing = [...used].filter((k) => !rules.has(k)).sort();
    assert.deepEqual(missing, [], 'keywords the request schemas use that are not in SCHEMA_RULES');
  });
});
