import { quotaPeriodAt } from '@portico/analytics';
import { quotaCounterKey, ZQuota } from '@portico/config';
import type { RedisClient } from '@portico/config/redis';
import type { Db } from '@portico/db';
import { Cluster } from 'ioredis';
import type { Logger } from '../logger';
import { consumerRequestsBetween } from './quota-usage-query';
import { restoreMarkers } from './restore-markers';

/**
 * Raises quota counters to what the rollups say, never lowers them: a gateway may have counted
 * requests the rollups do not have yet. KEYS[i] a counter; ARGV[3i+1..3i+3] its period's start
 * and end (ms) and the rollups' count. A counter of another period is replaced.
 */
const RAISE_COUNTERS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local raised = 0
for i = 1, #KEYS do
  local start = tonumber(ARGV[3 * i - 2])
  local finish = tonumber(ARGV[3 * i - 1])
  local count = tonumber(ARGV[3 * i])
  if now < finish then
    local used = 0
    local cur = redis.call('GET', KEYS[i])
    if cur then
      local s1 = string.find(cur, ':', 1, true)
      local s2 = string.find(cur, ':', s1 + 1, true)
      if tonumber(string.sub(cur, 1, s1 - 1)) == start then used = tonumber(string.sub(cur, s2 + 1)) end
    end
    if count > used then
      redis.call('SET', KEYS[i], string.format('%.0f:%.0f:%.0f', start, finish, count), 'PX', finish - now)
      raised = raised + 1
    end
  end
end
return raised
`;

export interface QuotaRestorerOptions {
  db: Db;
  redis: RedisClient;
  /** The gateways' limiter key prefix (limiterKeyPrefixOf of the deployment's Redis prefix). */
  limiterKeyPrefix: string;
  logger: Logger;
  /** How often the restore marker is looked for. Default 1000. */
  intervalMs?: number;
  now?: () => Date;
}

export interface QuotaRestorer {
  /** Resolves when a restore that was running has finished. */
  close(): Promise<void>;
}

/**
 * Keeps quota counters from being reset by lost Redis data. The gateways' limiter counts each
 * subject's quota period in Redis; a restart without persistence or a FLUSHALL would start
 * every subject from zero. Redis holds a marker (limiterEpochKey) while its counters are whole;
 * this loop looks for it every second and, when it is missing (first boot, or data lost),
 * re-seeds every active subscription's counter for the current period from the usage rollups in
 * Postgres, then writes the marker. Gateways that have seen the marker decide by the plan's
 * failure policy meanwhile instead of counting from zero. Several workers may restore at once:
 * counters are only ever raised, so the outcome is the same.
 */
export function startQuotaRestorer(options: QuotaRestorerOptions): QuotaRestorer {
  const { db, redis, logger } = options;
  const markers = restoreMarkers(redis, options.limiterKeyPrefix);
  const markerKey = markers.key;
  const now = options.now ?? (() => new Date());
  let running: Promise<void> | null = null;
  let closed = false;

  async function restore(): Promise<void> {
    const at = now();
    const subscriptions = await db.subscription.findMany({
      where: { status: 'active' },
      select: {
        consumerId: true,
        planId: true,
        plan: { select: { quota: true, apis: { select: { apiId: true } } } },
      },
    });
    const keys: string[] = [];
    const args: number[] = [];
    for (const sub of subscriptions) {
      const quota = ZQuota.safeParse(sub.plan.quota);
      if (!quota.success) continue;
      const period = quotaPeriodAt(at.getTime(), quota.data.per);
      const used = await consumerRequestsBetween(
        db,
        sub.consumerId,
        sub.plan.apis.map((a) => a.apiId),
        new Date(period.startMs),
        new Date(period.endMs),
      );
      if (used === 0) continue;
      keys.push(
        quotaCounterKey(options.limiterKeyPrefix, sub.planId, sub.consumerId, quota.data.per),
      );
      args.push(period.startMs, period.endMs, used);
    }
    let raised = 0;
    // A cluster runs a script only over keys of one slot: there each counter goes on its own.
    const step = redis instanceof Cluster ? 1 : 500;
    for (let from = 0; from < keys.length; from += step) {
      const part = keys.slice(from, from + step);
      const reply = await redis.eval(
        RAISE_COUNTERS_LUA,
        part.length,
        ...part,
        ...args.slice(3 * from, 3 * (from + step)),
      );
      raised += Number(reply);
    }
    await markers.write(at.toISOString());
    logger.info(
      { counters: keys.length, raised, marker: markerKey },
      'quota counters restored from the usage rollups',
    );
  }

  async function tick(): Promise<void> {
    if (closed || running !== null || redis.status !== 'ready') return;
    try {
      if (await markers.present()) return;
      running = restore();
      await running;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'quota counter restore failed; retrying');
    } finally {
      running = null;
    }
  }

  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs ?? 1_000);
  timer.unref();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
