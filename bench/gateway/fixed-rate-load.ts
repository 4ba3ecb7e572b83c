/**
 * Open-loop load: requests sent on a fixed schedule whatever the answers' pace, so latency is
 * measured without the queueing a closed loop (wrk) adds at saturation.
 */
import { Pool } from 'undici';
import { round } from './bench-report';

/** One open-loop run: what was sent, what failed, and the latency percentiles in ms. */
export interface FixedRateResult {
  rate: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Sends `rate` req/s for `seconds` to `origin` + `path` (GET, or POST of `post.body` whose answer
 * is read whole and judged by `post.failed`).
 */
export async function fixedRate(
  origin: string,
  path: string,
  headers: Record<string, string>,
  rate: number,
  seconds: number,
  post?: { body: string; failed(text: string): boolean },
): Promise<FixedRateResult> {
  const pool = new Pool(origin, { connections: 64 });
  const latencies: number[] = [];
  let failures = 0;
  const total = rate * seconds;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(
      pool
        .request(
          post === undefined
            ? { method: 'GET', path, headers }
            : { method: 'POST', path, headers, body: post.body },
        )
        .then(
          async (res) => {
            // A tool call's answer is read whole (it is what a client waits for) and checked.
            let failed = false;
            if (post === undefined) await res.body.dump();
            else failed = post.failed(await res.body.text());
            if (res.statusCode !== 200 || failed) failures++;
            latencies.push(performance.now() - sent);
          },
          () => {
            failures++;
          },
        ),
    );
  }
  await Promise.all(pending);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { rate, requests: total, failures, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}
