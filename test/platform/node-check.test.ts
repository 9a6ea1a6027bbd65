import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

/** `npm start` / `npm test` on an old Node.js: one clear line before any build, exit 1. */

const SCRIPT = path.resolve('scripts/check-node.cjs');
const { problem } = createRequire(import.meta.url)(SCRIPT) as { problem: (version: string) => string | null };

test('the advice names the running version, Node 24 and how to get it; Node 24 and later pass', () => {
  assert.equal(
    problem('v20.20.2'),
    'Frontline needs Node.js 24 or later (this is v20.20.2). Install it from https://nodejs.org or with `nvm install 24`.',
  );
  assert.match(problem('v12.22.12') ?? '', /needs Node\.js 24 .*this is v12\.22\.12/);
  assert.match(problem('v23.11.0') ?? '', /this is v23\.11\.0/);
  assert.equal(problem('v24.0.0'), null);
  assert.equal(problem('v25.1.0'), null);
  assert.equal(problem(process.version), null, 'the Node running this test is new enough');
  const ok = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, '');
});

test('npm start and npm test run the check before the build; npm install only warns', () => {
  const scripts = JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
  for (const s of ['prestart', 'pretest'])
    assert.match(scripts[s] ?? '', /^node scripts\/check-node\.cjs && npm run build$/, s);
  assert.equal(scripts.preinstall, 'node scripts/check-node.cjs --warn');
});

/** An older Node.js on this machine (Debian's, say) runs the real script, old syntax and all. */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    const bin = path.join(dir, 'node');
    if (!fs.existsSync(bin) || fs.realpathSync(bin) === fs.realpathSync(process.execPath)) continue;
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (/^v\d+/.test(v) && Number(v.slice(1).split('.')[0]) < 24) return bin;
  }
  return undefined;
}

const old = olderNode();
test('on an older Node.js the script itself prints the line and exits 1 (--warn: exit 0)', {
  skip: !old && 'no Node.js older than 24 on this machine',
}, () => {
  const r = spawnSync(old!, [SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /^Frontline needs Node\.js 24 or later \(this is v\d+\.\d+\.\d+\)\. Install it from https:\/\/nodejs\.org or with `nvm install 24`\.\n$/,
  );
  const warn = spawnSync(old!, [SCRIPT, '--warn'], { encoding: 'utf8' });
  assert.equal(warn.status, 0);
  assert.match(warn.stderr, /needs Node\.js 24/);
});
