// Prints the desktop's initial JavaScript, gzipped, and fails the build past the 300 KB budget.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = 'dist/web';
const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+\.js)"/g)].map(
  (m) => m[1]!,
);
let total = 0;
for (const f of new Set([...scripts, ...preloads]))
  total += gzipSync(fs.readFileSync(path.join(dir, f))).length;
const kb = total / 1024;
console.log(`desktop initial JS: ${kb.toFixed(1)} KB gzipped (budget 300 KB)`);
if (kb > 300) process.exit(1);
