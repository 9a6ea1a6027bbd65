// Prints the desktop's initial JavaScript, gzipped, and fails the build past the 300 KB budget; the
// web chat widget (dist/web/widget.js, embedded in customers' sites) has a budget of its own, 40 KB.
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
const widget = path.join(dir, 'widget.js');
if (fs.existsSync(widget)) {
  const wkb = gzipSync(fs.readFileSync(widget)).length / 1024;
  console.log(`chat widget: ${wkb.toFixed(1)} KB gzipped (budget 40 KB)`);
  if (wkb > 40) process.exit(1);
}
