/**
 * A small closed-loop load generator over TLS for what wrk cannot do: present a client
 * certificate. Key auth over TLS runs through the same generator, so the two rows differ only
 * in how the caller authenticates. It runs in the bench's own process, on the same machine.
 */
import { createHistogram } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { WrkResult } from './wrk';

export interface TlsLoadOptions {
  origin: string;
  path: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  servername: string;
  ca: string;
  cert?: string;
  key?: string;
}

export async function tlsLoad(options: TlsLoadOptions): Promise<WrkResult> {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    connect: {
      ca: options.ca,
      servername: options.servername,
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
    },
  });
  const histogram = createHistogram();
  const until = performance.now() + options.seconds * 1000;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < until) {
      const started = process.hrtime.bigint();
      try {
        const res = await pool.request({
          method: 'GET',
          path: options.path,
          headers: options.headers,
        });
        await res.body.dump();
        if (res.statusCode < 200 || res.statusCode > 399) non2xx++;
        histogram.record(Number(process.hrtime.bigint() - started) || 1);
        done++;
      } catch {
        errors++;
      }
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsedS = (performance.now() - startedAt) / 1000;
  await pool.close();
  return {
    requestsPerSecond: Math.round(done / elapsedS),
    p50Ms: histogram.percentile(50) / 1e6,
    p99Ms: histogram.percentile(99) / 1e6,
    non2xx,
    errors,
  };
}
