// What the build's bundles weigh, gzipped: the desktop's initial JavaScript (the scripts index.html
// loads and preloads) and the web chat widget. Used by bundle-size.ts (the build's budget) and by
// the test that keeps the README's figures true (test/scripts/readme-bundle.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The desktop's initial JavaScript in KB gzipped, from a built `dir` (dist/web). */
export function desktopInitialKb(dir = 'dist/web'): number {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  let total = 0;
  for (const f of new Set([...scripts, ...preloads]))
    total += gzipSync(fs.readFileSync(path.join(dir, f))).length;
  return total / 1024;
}

/** The chat widget in KB gzipped; null when it is not built. */
export function widgetKb(dir = 'dist/web'): number | null {
  const widget = path.join(dir, 'widget.js');
  return fs.existsSync(widget) ? gzipSync(fs.readFileSync(widget)).length / 1024 : null;
}
