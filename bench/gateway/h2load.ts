/** h2load (nghttp2), the HTTP/2 load generator: gRPC calls and h2c requests, run and read. */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { WrkResult } from './wrk';

export interface H2loadOptions {
  url: string;
  /** A file to POST (a framed gRPC message), or null for GET. */
  bodyFile: string | null;
  headers: Record<string, string>;
  /** Connections, each with one stream at a time: comparable to wrk's connections. */
  connections: number;
  seconds: number;
  /** Where h2load writes one line per request (status, microseconds), for percentiles. */
  logFile: string;
}

/** One h2load run (awaited, so in-process upstreams keep answering); figures as wrk's. */
export function runH2load(options: H2loadOptions): Promise<WrkResult> {
  const args = [
    '-c',
    String(options.connections),
    '-m',
    '1',
    '-t',
    '1',
    '-D',
    String(options.seconds),
    `--log-file=${options.logFile}`,
  ];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`);
  if (options.bodyFile !== null) args.push('-d', options.bodyFile);
  args.push(options.url);
  return new Promise((resolve, reject) => {
    const child = spawn('h2load', args);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`h2load exited ${code}: ${out.slice(-500)}`));
        return;
      }
      const result = parseH2load(out, readFileSync(options.logFile, 'utf8'));
      rmSync(options.logFile, { force: true });
      resolve(result);
    });
  });
}

/** Requests/s and failures from h2load's summary; p50/p99 from its per-request log. */
export function parseH2load(out: string, log: string): WrkResult {
  const rps = /finished in [\d.]+\w*, ([\d.]+) req\/s/.exec(out);
  const requests =
    /requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(out);
  const micros: number[] = [];
  for (const line of log.split('\n')) {
    const fields = line.split('\t');
    if (fields.length >= 3) micros.push(Number(fields[2]));
  }
  micros.sort((a, b) => a - b);
  const at = (q: number) =>
    micros.length === 0
      ? Number.NaN
      : (micros[Math.min(micros.length - 1, Math.floor(q * micros.length))] ?? 0) / 1000;
  return {
    requestsPerSecond: Math.round(Number(rps?.[1] ?? 0)),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    non2xx: codes ? Number(codes[2]) + Number(codes[3]) + Number(codes[4]) : 0,
    errors: requests ? Number(requests[1]) + Number(requests[2]) + Number(requests[3]) : 0,
  };
}

/** A unary gRPC request body: the 5-byte frame header, then the encoded message. */
export function writeGrpcFrame(path: string, message: Uint8Array): void {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(frame, 5);
  writeFileSync(path, frame);
}
