import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { metric } from '../src/limits/testing/limiter-observations';
import { type GatewayProcess, startGatewayProcess, workerViews } from './gateway-process';
import { type LimitsFixture, sendKeyedItemRequest, startLimitsFixture } from './limits-fixture';
import { quotaPlanFixture } from './quota-plan-fixture';

/**
 * Redis stops answering (SIGSTOP: connections stay up, nothing replies) for five seconds in the
 * middle of a run through two real gateways with two workers each. Fail-closed plans answer 503
 * with Retry-After and never 401/403; fail-open plans admit locally, each process at most its
 * share of what the subject had left, and once Redis answers again those admissions are charged
 * to its counter, which ends at exactly the requests served.
 */
const QUOTA = 600;
const REQUESTS = 1_500;
const CONCURRENCY = 40;
const GATEWAYS = 2;
const WORKERS = 2;
const PAUSE_MS = 5_000;
const PREFIX = 'paused';

let fixture: LimitsFixture | null = null;
const gateways: GatewayProcess[] = [];

afterEach(async () => {
  fixture?.redisServer.resume();
  for (const gw of gateways.splice(0)) await gw.stop();
  await fixture?.close();
  fixture = null;
});

describe.each(['open', 'closed'] as const)('Redis paused for 5 s mid-run (%s policy)', (policy) => {
  it('keeps the published promise and ends with the counter at what was served', async () => {
    fixture = await startLimitsFixture();
    const { redisServer, redisUrl, admin, upstream } = fixture;
    const { key, consumerId, planId, snapshot, credentials } = quotaPlanFixture({
      name: 'paused',
      policy,
      quota: QUOTA,
      upstreamPort: upstream.port,
    });
    for (let g = 0; g < GATEWAYS; g++) {
      gateways.push(
        await startGatewayProcess({
          snapshot,
          credentials,
          workers: WORKERS,
          env: {
            REDIS_URL: redisUrl,
            PORTICO_REDIS_PREFIX: PREFIX,
            PORTICO_GATEWAY_NODE_ID: `dpn_paused_${policy}_${g}`,
            PORTICO_ANALYTICS_ENABLED: 'false',
          },
        }),
      );
    }
    const server = redisServer;
    const pools = gateways.map((gw) => new Pool(gw.url, { connections: CONCURRENCY / GATEWAYS }));
    const statuses = new Map<number, number>();
    let sent = 0;
    let pausedAt = -1;
    let pauseDone: Promise<void> = Promise.resolve();
    const retryAfterMissing: number[] = [];
    const admittedAt: number[] = [];
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, c) => {
          const pool = pools[c % GATEWAYS] as Pool;
          while (sent < REQUESTS) {
            sent += 1;
            if (sent === Math.floor(REQUESTS / 5)) {
              // Pause once a fifth has been sent, while the loops keep sending.
              pausedAt = performance.now();
              server.pause();
              pauseDone = new Promise((resolve) =>
                setTimeout(() => {
                  server.resume();
                  resolve();
                }, PAUSE_MS),
              );
            }
            // Spread the rest of the run over the pause and after it.
            if (pausedAt >= 0 && performance.now() - pausedAt < PAUSE_MS)
              await new Promise((resolve) => setTimeout(resolve, 500));
            const res = await sendKeyedItemRequest(pool, sent, key.clear, statuses);
            if (res.statusCode === 200) admittedAt.push(performance.now());
            if (res.statusCode === 503 && res.headers['retry-after'] === undefined)
              retryAfterMissing.push(res.statusCode);
          }
        }),
      );
      await pauseDone;
      const served = statuses.get(200) ?? 0;
      // After SIGCONT: leases given back, local admissions charged; the counter settles at
      // exactly what was served (a check on the next request flushes any pending charge).
      const counterKey = quotaCounterKey(`${PREFIX}:rl`, planId, consumerId, 'day');
      const deadline = performance.now() + 10_000;
      let counted = -1;
      while (performance.now() < deadline) {
        counted = parseQuotaCounter(await admin.get(counterKey))?.count ?? -1;
        if (counted === served) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      let local = 0;
      let charged = 0;
      let peers = 0;
      // The live-process gauge is what each process's latest heartbeat answered; the heartbeats
      // queued during the pause are answered first after it, each seeing only the entries not yet
      // aged out, so the gauge is read again until a fresh round of heartbeats came back.
      const peersDeadline = performance.now() + 10_000;
      do {
        local = 0;
        charged = 0;
        peers = 0;
        for (const gw of gateways) {
          for (const view of (await workerViews(gw.statusUrl, WORKERS)).values()) {
            local += metric(
              view.metrics,
              'portico_limiter_decisions_total{source="local",result="allowed"}',
            );
            charged += metric(view.metrics, 'portico_limiter_fail_open_charged_total');
            peers = Math.max(peers, metric(view.metrics, 'portico_limiter_live_processes'));
          }
        }
        if (peers === GATEWAYS * WORKERS) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      } while (performance.now() < peersDeadline);
      // What Redis admitted in the last second before the pause: a generous measure of the
      // admissions between the stalest process's last answer and the outage, which is what the
      // published bound allows beyond the quota.
      const beforePause = admittedAt.filter((t) => t <= pausedAt && t > pausedAt - 1_000).length;
      const result = Object.fromEntries(statuses);
      console.log(
        `Redis paused 5 s, ${policy}: ${JSON.stringify(result)}, counter ${counted}, admitted locally ${local}, charged back ${charged}, live processes ${peers}, admitted in the second before the pause ${beforePause}`,
      );
      expect(statuses.get(401) ?? 0).toBe(0);
      expect(statuses.get(403) ?? 0).toBe(0);
      expect(retryAfterMissing).toEqual([]);
      expect(statuses.get(500) ?? 0).toBe(0);
      const finalServed = statuses.get(200) ?? 0;
      expect(counted).toBe(finalServed);
      if (policy === 'closed') {
        expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
        expect(finalServed).toBe(QUOTA);
      } else {
        expect(statuses.get(503) ?? 0).toBe(0);
        expect(peers).toBe(GATEWAYS * WORKERS);
        expect(charged).toBe(local);
        // The published bound: each of the P live processes admits at most floor(R_i / P) of
        // what the subject had left (R_i) at its own last Redis answer, so together at most the
        // largest R_i: beyond the quota, at most what Redis admitted after the stalest of those
        // answers (a lease period or less before the outage for a busy subject).
        expect(finalServed - QUOTA).toBeLessThanOrEqual(beforePause);
      }
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  }, 300_000);
});
