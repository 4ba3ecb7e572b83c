import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric } from '../src/limits/testing/limiter-observations';
import { type GatewayProcess, startGatewayProcess, workerViews } from './gateway-process';
import { type LimitsFixture, sendKeyedItemRequest, startLimitsFixture } from './limits-fixture';
import { quotaPlanFixture } from './quota-plan-fixture';

/**
 * The cold burst a new user tries first: two freshly started gateways (two cluster workers each)
 * on one healthy Redis, a plan with a quota of 1000 per day and a rate limit far above the load,
 * a fresh key, and 1,600 requests at once over 200 keep-alive connections. Exactly 1,000 must
 * be admitted and every other answer must be 429: a reply that is late because the workers are
 * busy is not an outage.
 */
const QUOTA = 1_000;
const REQUESTS = 1_600;
const CONNECTIONS = 200;
const GATEWAYS = 2;
const WORKERS = 2;
const RUNS = 5;
const PREFIX = 'burst';

let fixture: LimitsFixture;

beforeAll(async () => {
  // A private server: the burst test must not depend on what else the shared Redis is doing,
  // and it reads the counters back.
  fixture = await startLimitsFixture();
});

afterAll(async () => {
  await fixture?.close();
});

async function burstRun(policy: 'open' | 'closed', run: number) {
  const { key, consumerId, planId, snapshot, credentials } = quotaPlanFixture({
    name: 'burst',
    policy,
    quota: QUOTA,
    upstreamPort: fixture.upstream.port,
    consumerTag: `${policy}_${run}`,
  });
  const gateways: GatewayProcess[] = await Promise.all(
    Array.from({ length: GATEWAYS }, (_, g) =>
      startGatewayProcess({
        snapshot,
        credentials,
        workers: WORKERS,
        env: {
          REDIS_URL: fixture.redisUrl,
          PORTICO_REDIS_PREFIX: PREFIX,
          PORTICO_GATEWAY_NODE_ID: `dpn_burst_${policy}_${run}_${g}`,
        },
      }),
    ),
  );
  const pools = gateways.map(
    (gw) => new Pool(gw.url, { connections: CONNECTIONS / GATEWAYS, pipelining: 1 }),
  );
  try {
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const pool = pools[i % GATEWAYS] as Pool;
        await sendKeyedItemRequest(pool, i, key.clear, statuses);
      }),
    );
    // Leases near the limit are single admissions, and any leftover goes back within the lease
    // period: the counter settles at exactly what was served.
    const counterKey = quotaCounterKey(`${PREFIX}:rl`, planId, consumerId, 'day');
    const deadline = performance.now() + 5_000;
    let counted = parseQuotaCounter(await fixture.admin.get(counterKey))?.count ?? -1;
    while (counted !== (statuses.get(200) ?? 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      counted = parseQuotaCounter(await fixture.admin.get(counterKey))?.count ?? -1;
    }
    let slow = 0;
    let unavailable = 0;
    for (const gw of gateways) {
      for (const view of (await workerViews(gw.statusUrl, WORKERS)).values()) {
        slow += metric(view.metrics, 'portico_limiter_slow_replies_total');
        for (const p of ['open', 'closed'])
          for (const cause of ['no_connection', 'timeout', 'error', 'overload', 'circuit_open'])
            unavailable += metric(
              view.metrics,
              `portico_limiter_unavailable_total{policy="${p}",cause="${cause}"}`,
            );
      }
    }
    return { statuses: Object.fromEntries(statuses), counted, slow, unavailable };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
    await Promise.all(gateways.map((gw) => gw.stop()));
  }
}

describe.each(['open', 'closed'] as const)(
  'a cold burst on a healthy Redis (%s policy)',
  (policy) => {
    it(`admits exactly ${QUOTA} of ${REQUESTS} requests and answers 429 to the rest, ${RUNS} runs in a row, never 503`, async () => {
      for (let run = 1; run <= RUNS; run++) {
        const result = await burstRun(policy, run);
        console.log(
          `cold burst ${policy} run ${run}: ${JSON.stringify(result.statuses)}, counter ${result.counted}, slow replies waited for ${result.slow}, decided without Redis ${result.unavailable}`,
        );
        expect(result.statuses).toEqual({ 200: QUOTA, 429: REQUESTS - QUOTA });
        expect(result.counted).toBe(QUOTA);
        expect(result.unavailable).toBe(0);
      }
    }, 600_000);
  },
);
