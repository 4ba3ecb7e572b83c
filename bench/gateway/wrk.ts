/** wrk, the load generator of the throughput benches: its command line, its runs, its output. */
import { execFileSync } from 'node:child_process';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** wrk's command line: `-t<threads> -c<connections> -d<seconds>s [--latency] [-H …] url`. */
export function wrkArgs(options: {
  url: string;
  headers: Record<string, string>;
  threads: number;
  connections: number;
  seconds: number;
  latency: boolean;
}): string[] {
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.seconds}s`];
  if (options.latency) args.push('--latency');
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  args.push(options.url);
  return args;
}

function parseLatency(text: string, label: string): number {
  const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** Reads requests/s, p50/p99 (with `--latency`), non-2xx responses and socket errors from wrk's output. */
export function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: Math.round(Number(rps?.[1] ?? 0)),
    p50Ms: parseLatency(out, '50'),
    p99Ms: parseLatency(out, '99'),
    non2xx: Number(non2xx?.[1] ?? 0),
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

/** Total requests wrk completed (`N requests in …`), or 0 when the line is missing. */
export function parseWrkRequests(out: string): number {
  return Number(/(\d+) requests in /.exec(out)?.[1] ?? 0);
}

/** One blocking wrk run with `--latency`. */
export function runWrk(options: {
  url: string;
  headers: Record<string, string>;
  threads: number;
  connections: number;
  seconds: number;
}): WrkResult {
  const out = execFileSync('wrk', wrkArgs({ ...options, latency: true }), { encoding: 'utf8' });
  return parseWrk(out);
}
