import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITER_BATCH_LUA, REPLY } from './limiter-script.js';
import { checkArgs, replyNumbers } from './limiter-script-calls.js';
import type { LimitCheck } from './limiter-types.js';
import { SubjectKeyCache } from './subject-keys.js';
import { randomKeyPrefix } from './testing/redis-test-prefix.js';

/**
 * The check script's bookkeeping of leased admissions, run directly on Redis: whatever a refill
 * is granted goes on lease, even a single admission when the quota leaves room for no more, so a
 * check elsewhere that finds the quota spent waits for it to be settled instead of refusing while
 * it may still come back unused (that once made a two-process quota admit 999 of 1000).
 */
const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
afterAll(() => redis.disconnect());

const quota = { requests: 20, per: 'day' } as const;
const check: LimitCheck = {
  planId: 'pln_refill',
  subject: 'con_refill',
  rateLimit: null,
  quota,
  failurePolicy: 'closed',
};

async function run(keys: ReturnType<SubjectKeyCache['get']>, want: number) {
  const args = checkArgs({ reqs: [check], keys: [keys], wants: [want], nowArg: '' }, null, null);
  const reply = await redis.eval(LIMITER_BATCH_LUA, ...(args as [number, ...string[]]));
  const values = replyNumbers(reply, 1);
  if (values === null) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
  // The reply starts with Redis's clock, then REPLY_STRIDE values per check.
  return { reason: values[1 + REPLY.reason] ?? -1, granted: values[1 + REPLY.granted] ?? -1 };
}

describe('leased admissions counted by the check script', () => {
  it('puts a refill granted a single admission on lease, and calls the spent quota leased elsewhere', async () => {
    await redis.connect();
    const keys = new SubjectKeyCache(randomKeyPrefix(), 10, false).get('pln_refill', 'con_refill');
    // 19 of 20 used: a lease may take at most a sixteenth of what is left, which is nothing.
    for (let i = 0; i < 19; i++) expect((await run(keys, 1)).granted).toBe(1);
    expect(await redis.get(keys.leasedKey)).toBeNull();
    const refill = await run(keys, -8);
    expect(refill).toMatchObject({ reason: 0, granted: 1 });
    expect(await redis.get(keys.leasedKey)).toBe('1');
    // The quota is spent, but its last admission is out on lease: not refused yet.
    expect((await run(keys, 1)).reason).toBe(3);
  });
});
