import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ERRORS } from '../../src/server/platform/errors.ts';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every error code has a title and a 4xx/5xx status, and is used by the code', () => {
  const code = sources('src/server')
    .filter((f) => !f.endsWith('errors.ts'))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  for (const [name, e] of Object.entries(ERRORS)) {
    assert.ok(e.title.length > 5, name);
    assert.ok(e.status >= 400 && e.status < 600, name);
    assert.ok(code.includes(`'${name}'`), `${name} is never thrown — remove it or use it`);
  }
});
