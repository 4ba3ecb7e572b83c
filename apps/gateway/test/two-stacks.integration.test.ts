import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LimitsFixture, startLimitsFixture } from './limits-fixture';
import { rollupTotal, type Stack, startStack } from './stack-process';

/**
 * Two Portico deployments (each its own control plane, database, worker and gateway) on one
 * Redis, none of them told a prefix: each must count, queue and roll up exactly its own traffic.
 * Before one prefix per deployment, the second stack's gateway wrote its analytics into the
 * queue the first stack's worker consumed, and both counted quotas in the same keys.
 */
let fixture: LimitsFixture;
const stacks: Stack[] = [];

beforeAll(async () => {
  fixture = await startLimitsFixture();
}, 60_000);

afterAll(async () => {
  for (const stack of stacks) await stack.close();
  await fixture?.close();
}, 60_000);

describe('two deployments on one Redis, neither told a prefix', () => {
  it('each counts its quota, queues its analytics and rolls up exactly its own requests', async () => {
    const quota = { requests: 1000, per: 'day' as const };
    const { redisUrl } = fixture;
    const upstreamPort = fixture.upstream.port;
    const one = await startStack({ name: 'one', redisUrl, upstreamPort, quota });
    stacks.push(one);
    const two = await startStack({ name: 'two', redisUrl, upstreamPort, quota });
    stacks.push(two);
    const sent = new Map<Stack, number>([
      [one, 37],
      [two, 53],
    ]);
    for (const [stack, n] of sent) {
      for (let i = 0; i < n; i++) {
        const res = await request(`${stack.gatewayUrl}/orders/${i}`, {
          headers: { 'x-api-key': stack.key },
        });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    }
    for (const [stack, n] of sent) {
      await eventually(async () => (await rollupTotal(stack)) >= n, 60_000, 'rollups');
      expect(await rollupTotal(stack)).toBe(n);
      // Each stack's quota counter lives under its own database's prefix.
      // Until a lease's leftovers go back (at its expiry, 200 ms after its last grant) the
      // counter includes them; then it holds exactly the requests served.
      const database = new URL(stack.control.database.url).pathname.slice(1);
      const counterKey = quotaCounterKey(
        `portico:${database}:rl`,
        stack.planId,
        stack.consumerId,
        'day',
      );
      const counted = async () =>
        parseQuotaCounter(await fixture.admin.get(counterKey))?.count ?? null;
      await eventually(async () => (await counted()) === n, 10_000, 'quota counter settled');
      expect(await counted()).toBe(n);
    }
    // Nothing was written under the shared default prefix.
    expect(await fixture.admin.keys('{portico}:*')).toEqual([]);
    expect(await fixture.admin.keys('{portico:rl:*')).toEqual([]);
  }, 300_000);
});
