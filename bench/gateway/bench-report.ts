/**
 * How the gateway benches report: medians over rounds, ratios rounded the same way, a wrk table
 * on stdout, the machine a run had (its load average skews every figure), and the JSON file each
 * run leaves in bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './bench-run';
import type { WrkResult } from './wrk';

/** Three decimals: enough for ratios and milliseconds, short enough to read. */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) return Number.NaN;
  const lower = sorted[mid - 1];
  return sorted.length % 2 === 1 || lower === undefined ? upper : (lower + upper) / 2;
}

/** The middle wrk sample by requests/s, whole, so its latencies belong to the same run. */
export function medianRun(samples: readonly WrkResult[]): WrkResult {
  const sorted = [...samples].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('no wrk samples to take a median of');
  return middle;
}

/** `numerator / denominator` rounded as the results record it. */
export function ratio(numerator: number, denominator: number): number {
  return round(numerator / denominator);
}

/** What a result records about the machine; the load average says how busy it was. */
export function machineAtEnd(): {
  cores: number;
  node: string;
  loadAverageAtEnd: number[];
} {
  return {
    cores: availableParallelism(),
    node: process.version,
    loadAverageAtEnd: loadavg().map((l) => round(l)),
  };
}

/** Prints one row per target: requests/s, p50 and p99 in ms, non-2xx answers and socket errors. */
export function printWrkTable(rows: readonly (readonly [string, WrkResult])[]): void {
  const width = Math.max(40, ...rows.map(([name]) => name.length + 2));
  console.log(
    `\n${'target'.padEnd(width)}${'req/s'.padStart(7)}  ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  for (const [name, r] of rows) {
    console.log(
      `${name.padEnd(width)}${String(r.requestsPerSecond).padStart(7)}  ${r.p50Ms.toFixed(3).padStart(8)} ${r.p99Ms.toFixed(3).padStart(8)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(7)}`,
    );
  }
}

/**
 * Writes `result` as `bench/results/<name>-<at>.json` (`at` being when the run ended, as the
 * result records it) and prints where it went.
 */
export function writeResult(name: string, result: object, at = new Date().toISOString()): string {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten ${file}`);
  return file;
}
