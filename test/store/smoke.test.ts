import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestApp, makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

for (const dialect of await dialects()) {
  describe(`smoke on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('health names the database', async () => {
      const r = await t.call(null, 'GET', '/api/v1/health');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(r.data, { status: 'ok', db: dialect });
    });

    test('a case is created with a reference and a timeline', async () => {
      const { case: c } = await buildCase(t);
      assert.match(c.reference, /^CS-\d{6}$/);
      const r = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.data.timeline[0].kind, 'case.created');
    });
  });
}
