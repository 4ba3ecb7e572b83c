import { limiterEpochKey, parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metric } from '../src/limits/testing/limiter-observations';
import { type LimitsFixture, startLimitsFixture } from './limits-fixture';
import { rollupTotal, type Stack, startStack } from './stack-process';

/**
 * Redis loses its data (FLUSHALL on the stack's own redis-server) halfway through a quota
 * period. The quota must not start again from zero: the worker re-seeds the counter from the
 * usage rollups in Postgres, and until it has, the gateway decides by the plan's failure policy
 * (here fail-closed: 503) instead of counting from zero.
 */
const QUOTA = 100;
const BEFORE = 40;

let fixture: LimitsFixture;
let stack: Stack | null = null;

beforeAll(async () => {
  fixture = await startLimitsFixture();
}, 60_000);

afterAll(async () => {
  await stack?.close();
  await fixture?.close();
}, 60_000);

async function send(target: Stack): Promise<number> {
  const res = await request(`${target.gatewayUrl}/orders`, {
    headers: { 'x-api-key': target.key },
  });
  await res.body.dump();
  return res.statusCode;
}

describe('Redis data lost halfway through a quota period', () => {
  it('restores the remaining quota from the usage rollups instead of starting from zero', async () => {
    const current = await startStack({
      name: 'restore',
      redisUrl: fixture.redisUrl,
      upstreamPort: fixture.upstream.port,
      quota: { requests: QUOTA, per: 'day' },
      redisFailurePolicy: 'closed',
    });
    stack = current;
    const database = new URL(current.control.database.url).pathname.slice(1);
    const limiterPrefix = `portico:${database}:rl`;
    const markerKey = limiterEpochKey(limiterPrefix);
    const counterKey = quotaCounterKey(limiterPrefix, current.planId, current.consumerId, 'day');
    // The worker writes the marker at boot; the gateway's guard is on once it has seen it.
    await eventually(async () => (await fixture.admin.exists(markerKey)) === 1, 30_000, 'marker');
    await eventually(
      async () => {
        const text = await (await request(`${current.statusUrl}/metrics`)).body.text();
        return metric(text, 'portico_limiter_restore_guard') === 1;
      },
      10_000,
      'the restore guard on',
    );

    for (let i = 0; i < BEFORE; i++) expect(await send(current)).toBe(200);
    await eventually(async () => (await rollupTotal(current)) === BEFORE, 60_000, 'rollups');
    await eventually(
      async () => parseQuotaCounter(await fixture.admin.get(counterKey))?.count === BEFORE,
      10_000,
      'the counter settled',
    );

    await fixture.admin.flushall();
    const after = new Map<number, number>();
    // Until five 429s, for at most a minute: how soon the worker restores the counters depends
    // on the machine, so the loop waits on time, not on a number of requests, and paces its
    // retries while the fail-closed plan answers 503.
    const deadline = Date.now() + 60_000;
    while ((after.get(429) ?? 0) < 5 && Date.now() < deadline) {
      const status = await send(current);
      after.set(status, (after.get(status) ?? 0) + 1);
      if (status === 503) await new Promise((r) => setTimeout(r, 25));
    }
    const restored = parseQuotaCounter(await fixture.admin.get(counterKey));
    console.log(
      `after FLUSHALL with ${BEFORE} of ${QUOTA} used: ${JSON.stringify(Object.fromEntries(after))}, counter ${restored?.count}`,
    );
    // What Postgres says was left, not a fresh quota; while the counters were being restored
    // the fail-closed plan answered 503 rather than admit from zero. The rollups count every
    // answered request, so a 503 rolled up before the restore read them is counted too: the
    // stated bound (docs/limits.md) errs that way, never towards re-admitting.
    const refused = after.get(503) ?? 0;
    expect(refused).toBeGreaterThan(0);
    const admitted = after.get(200) ?? 0;
    expect(admitted).toBeLessThanOrEqual(QUOTA - BEFORE);
    expect(admitted).toBeGreaterThanOrEqual(QUOTA - BEFORE - refused);
    expect(after.get(429)).toBe(5);
    // At least the quota: a 503 rolled up before the restore read the rollups counts too.
    expect(restored?.count).toBeGreaterThanOrEqual(QUOTA);
    expect(await fixture.admin.exists(markerKey)).toBe(1);
  }, 300_000);

  it('a gateway restarted after the loss refuses to count from zero until the worker has restored', async () => {
    const current = stack;
    if (current === null) throw new Error('the stack did not start');
    const database = new URL(current.control.database.url).pathname.slice(1);
    const counterKey = quotaCounterKey(
      `portico:${database}:rl`,
      current.planId,
      current.consumerId,
      'day',
    );
    // Nothing restores while the worker is away; the new gateway process never saw the marker
    // itself, but its state folder remembers that this deployment has one.
    await current.stopWorker();
    await fixture.admin.flushall();
    await current.restartGateway();
    const meanwhile: number[] = [];
    for (let i = 0; i < 5; i++) meanwhile.push(await send(current));
    expect(meanwhile).toEqual([503, 503, 503, 503, 503]);
    expect(await fixture.admin.get(counterKey)).toBeNull();
    await current.startWorker();
    await eventually(async () => (await send(current)) === 429, 60_000, 'the restored quota');
    expect(parseQuotaCounter(await fixture.admin.get(counterKey))?.count).toBeGreaterThanOrEqual(
      QUOTA,
    );
  }, 300_000);
});
