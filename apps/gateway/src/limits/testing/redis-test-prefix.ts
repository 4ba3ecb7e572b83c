import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A key prefix no other test run uses. */
export function randomKeyPrefix(): string {
  return `test-limits-${randomBytes(6).toString('hex')}`;
}

/** Deletes every limiter key under `prefix` (keys look like `{prefix:plan:subject}:rl`). */
export async function deleteLimiterKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}
