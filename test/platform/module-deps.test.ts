import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * Dependencies between domain modules point one way: a reaction subscribes to a domain event
 * (platform/events.ts) instead of the module it reacts to calling it back. A value import from one
 * module folder into another is an edge; type-only imports are not (they vanish at run time and
 * describe a port, not a call). Any cycle between module folders fails.
 */
const MODULES = path.resolve(import.meta.dirname, '../../src/server/modules');
const APP = path.resolve(import.meta.dirname, '../../src/server/app.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The specifiers a file imports or re-exports at run time (type-only imports left out). */
export function valueImports(source: string): string[] {
  const out: string[] = [];
  // `import … from 'x'`, `export … from 'x'`, across lines; then bare `import 'x'` and `import('x')`.
  const from = /^\s*(import|export)\s+([\s\S]*?)\s+from\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(from)) {
    const clause = m[2]!.trim();
    if (clause.startsWith('type ') || clause.startsWith('type{')) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    if (braces) {
      const names = braces[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      // Every name a type: a port described, nothing called.
      if (names.length && names.every((n) => n.startsWith('type '))) continue;
    }
    out.push(m[3]!);
  }
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/** module folder → module folders it imports at run time, with one file that does, for the message. */
function moduleGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(MODULES)) {
    const from = path.relative(MODULES, file).split(path.sep)[0]!;
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const spec of valueImports(fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.relative(MODULES, path.resolve(path.dirname(file), spec));
      if (target.startsWith('..')) continue; // platform, shared: below the modules
      const to = target.split(path.sep)[0]!;
      if (to !== from && !edges.has(to)) edges.set(to, path.relative(MODULES, file));
    }
  }
  return graph;
}

/** Every elementary cycle found by a depth-first walk, each once (rotated to start at its least name). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found = new Map<string, string[]>();
  const walk = (start: string, node: string, trail: string[]) => {
    for (const next of graph.get(node)?.keys() ?? []) {
      if (next === start) {
        const min = trail.indexOf([...trail].sort()[0]!);
        const c = [...trail.slice(min), ...trail.slice(0, min)];
        found.set(c.join('>'), c);
      } else if (!trail.includes(next) && next > start) {
        walk(start, next, [...trail, next]);
      }
    }
  };
  for (const n of [...graph.keys()].sort()) walk(n, n, [n]);
  return [...found.values()];
}

describe('module dependencies', () => {
  it('reads value imports and leaves type-only ones out', () => {
    const src = [
      "import type { A } from '../a/a.ts';",
      "import { type B, type C } from '../b/b.ts';",
      "import { type D, e } from '../d/d.ts';",
      'import {',
      '  f,',
      '  type G,',
      "} from '../f/f.ts';",
      "export { h } from '../h/h.ts';",
      "export type { I } from '../i/i.ts';",
      "import '../j/j.ts';",
      "const k = await import('../k/k.ts');",
    ].join('\n');
    assert.deepEqual(valueImports(src).sort(), [
      '../d/d.ts',
      '../f/f.ts',
      '../h/h.ts',
      '../j/j.ts',
      '../k/k.ts',
    ]);
  });

  it('finds a cycle when there is one', () => {
    const g = new Map([
      ['a', new Map([['b', 'a/x.ts']])],
      ['b', new Map([['c', 'b/x.ts']])],
      ['c', new Map([['a', 'c/x.ts']])],
      ['d', new Map([['a', 'd/x.ts']])],
    ]);
    assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
  });

  it('has no import cycle between module folders', () => {
    const graph = moduleGraph();
    assert.ok(graph.size >= 5, 'the modules folder was found');
    const report = cycles(graph).map((c) =>
      [...c, c[0]!]
        .map((m, i, all) => (i < all.length - 1 ? `${m} (${graph.get(m)!.get(all[i + 1]!)})` : m))
        .join(' → '),
    );
    assert.deepEqual(report, [], `import cycles between modules:\n${report.join('\n')}`);
  });

  it('wires every service once, after what it calls: no late getters, connect() or hooks set afterwards', () => {
    const app = fs.readFileSync(APP, 'utf8');
    const start = app.indexOf('export function buildServices(');
    assert.ok(start >= 0, 'buildServices is in app.ts');
    const body = app.slice(start, app.indexOf('\n}\n', start));
    const found = [
      ...[...body.matchAll(/\(\)\s*=>\s*\w+!/g)].map((m) => `late getter: ${m[0]}`),
      ...[...body.matchAll(/^\s*let\s+\w+\s*:\s*\w+\s*\|\s*undefined/gm)].map(
        (m) => `declared before built: ${m[0].trim()}`,
      ),
      ...[...body.matchAll(/\b\w+\.connect\(/g)].map((m) => `wired after construction: ${m[0]}`),
      ...[...body.matchAll(/^\s*\w+\.\w+\s*=[^=>]/gm)].map((m) => `hook assigned: ${m[0].trim()}`),
    ];
    assert.deepEqual(found, []);
  });
});
