/**
 * Shared helpers for the benchmarks. Output convention (bench/run.ts relies on it): progress and
 * context lines start with `#`; every other line on stdout is one figure, e.g.
 * `lookup mobile p50=0.041ms p99=0.09ms baseline p50=0.006ms ratio=6.8x`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A progress or context line (not a figure). */
export function info(msg: string): void {
  process.stdout.write(`# ${msg}\n`);
}

/** One figure, one line. */
export function figure(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Nearest-rank percentile of an unsorted sample (p in 0..100). */
export function percentile(sample: readonly number[], p: number): number {
  if (!sample.length) throw new Error('percentile of an empty sample');
  const sorted = Float64Array.from(sample).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (sample: readonly number[]): number => percentile(sample, 50);

/** Milliseconds with three significant digits: 0.0412ms, 0.412ms, 4.12ms, 41.2ms. */
export function ms(v: number): string {
  return `${Number(v.toPrecision(3))}ms`;
}

export function ratio(a: number, b: number): string {
  return `${Number((a / b).toPrecision(3))}x`;
}

export function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}

export function seconds(msElapsed: number): string {
  return `${(msElapsed / 1000).toFixed(1)}s`;
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `frontline-bench-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Seeded PRNG (mulberry32) so every run measures the same data and the same queries. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How much slower this machine runs than the reference one, from a bare measure taken in the same
 * run (`now` and `reference` both times, or both costs: bigger is slower), between 1 and `max`. The
 * latency gates multiply their reference target by it: the app is judged against the engine it runs on.
 */
export function slowdownOf(now: number, reference: number, max: number): number {
  return reference > 0 ? Math.min(max, Math.max(1, now / reference)) : 1;
}
