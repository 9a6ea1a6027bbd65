import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };
  before(async () => {
    t = await makeTestApp('sqlite');
    const r = await t.call(null, 'GET', '/api/v1/openapi.json');
    assert.equal(r.statusCode, 200);
    doc = r.data;
  });
  after(() => t.close());

  test('is OpenAPI 3.1 and documents every API route', () => {
    assert.equal(doc.openapi, '3.1.0');
    for (const r of t.routes) {
      if (r.url.endsWith('/openapi.json')) continue;
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      assert.ok(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path} is missing`);
    }
  });

  test('every $ref resolves, and every operation documents its problem+json answers', () => {
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    assert.ok(refs.length > 0);
    for (const ref of new Set(refs)) assert.ok(doc.components.schemas[ref.slice(22, -1)], `dangling ${ref}`);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops))
        assert.ok(op.responses['4XX'], `${method} ${path} lacks 4XX`);
    }
  });

  test('the docs page is served', async () => {
    const r = await t.call(null, 'GET', '/api/v1/docs/');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /swagger/i);
  });
});
