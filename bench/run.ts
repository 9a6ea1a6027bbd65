/**
 * `npm run bench`: each benchmark in its own child process (`node bench/<name>.ts`), one after the
 * other, output streamed as it comes, then a summary of the figures. Lines starting with `#` are
 * progress and context; every other stdout line of a benchmark is a figure (see bench/lib.ts).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seconds } from './lib.ts';

const BENCHES = ['customer-lookup', 'case-create', 'sla-tick', 'kb-search'];
const here = path.dirname(fileURLToPath(import.meta.url));

interface Outcome {
  name: string;
  code: number | null;
  ms: number;
  figures: string[];
}

function runOne(name: string): Promise<Outcome> {
  const started = performance.now();
  const figures: string[] = [];
  return new Promise((resolve) => {
    process.stdout.write(`\n=== ${name} ===\n`);
    const child = spawn(process.execPath, [path.join(here, `${name}.ts`)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() && !line.startsWith('#')) figures.push(line);
    });
    child.on('close', (code) => {
      if (partial.trim() && !partial.startsWith('#')) figures.push(partial);
      resolve({ name, code, ms: performance.now() - started, figures });
    });
  });
}

const started = performance.now();
const outcomes: Outcome[] = [];
for (const name of BENCHES) outcomes.push(await runOne(name));
const total = performance.now() - started;

process.stdout.write('\n=== summary ===\n');
const width = Math.max(...outcomes.map((o) => o.name.length));
for (const o of outcomes) {
  const status = o.code === 0 ? 'ok' : `FAILED (exit ${o.code})`;
  process.stdout.write(`${o.name.padEnd(width)}  ${seconds(o.ms).padStart(7)}  ${status}\n`);
  for (const f of o.figures) process.stdout.write(`  ${f}\n`);
}
process.stdout.write(`total ${seconds(total)}\n`);
if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
