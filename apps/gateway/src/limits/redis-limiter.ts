import { quotaCounterKey, rateLimitKey } from '@portico/config';
import type { Redis } from 'ioredis';
import { BoundedMap } from './bounded-map.js';
import { LimiterMetrics, type UnavailableCause } from './limiter-metrics.js';
import { LIMITER_REFUND_COMMAND, LIMITER_REFUND_LUA } from './limiter-refund-script.js';
import { LIMITER_COMMAND, LIMITER_LUA, REPLY } from './limiter-script.js';
import type {
  LimitCheck,
  LimitDecision,
  Limiter,
  LimiterOptions,
  LimitOutcome,
} from './limiter-types.js';
import { LocalLimiter } from './local-limiter.js';
import { quotaPeriodAt } from './quota-period.js';
import { decisionFromOutcome, ratePeriodMs, unavailableDecision } from './rate-limit-headers.js';

/** The commands `defineCommand` adds to the caller's connection. */
interface LimiterCommands {
  [LIMITER_COMMAND](...args: Array<string | number>): Promise<unknown>;
  [LIMITER_REFUND_COMMAND](...args: Array<string | number>): Promise<unknown>;
}

interface SubjectKeys {
  planId: string;
  rateKey: string;
  quotaDayKey: string;
  quotaMonthKey: string;
}

const DEFAULT_BUDGET_MS = 50;
const DEFAULT_MAX_LOCAL_ENTRIES = 10_000;
const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DEFAULT_BREAKER_FAILURES = 5;
const DEFAULT_BREAKER_COOLDOWN_MS = 1_000;

/** Shared answer for plans with neither limit: nothing to count, no headers to send. */
const UNLIMITED: LimitDecision = Object.freeze({
  allowed: true,
  reason: null,
  headers: Object.freeze({}) as Record<string, string>,
  retryAfterSeconds: null,
  detail: null,
});

function installCommands(redis: Redis): Redis & LimiterCommands {
  const candidate = redis as Redis & Partial<LimiterCommands>;
  // Several limiters may share one connection; the scripts only need defining once.
  if (typeof candidate[LIMITER_COMMAND] !== 'function') {
    redis.defineCommand(LIMITER_COMMAND, { lua: LIMITER_LUA, numberOfKeys: 2 });
  }
  if (typeof candidate[LIMITER_REFUND_COMMAND] !== 'function') {
    redis.defineCommand(LIMITER_REFUND_COMMAND, { lua: LIMITER_REFUND_LUA, numberOfKeys: 2 });
  }
  return redis as Redis & LimiterCommands;
}

function outcomeFromReply(reply: unknown): LimitOutcome | null {
  if (!Array.isArray(reply) || reply.length < 9) return null;
  const r = reply as number[];
  return {
    allowed: r[REPLY.allowed] === 1,
    reasonCode: r[REPLY.reason] ?? 0,
    rateRemaining: r[REPLY.rateRemaining] ?? 0,
    rateResetMs: r[REPLY.rateResetMs] ?? 0,
    quotaRemaining: r[REPLY.quotaRemaining] ?? 0,
    quotaResetMs: r[REPLY.quotaResetMs] ?? 0,
    retryAfterMs: r[REPLY.retryAfterMs] ?? 0,
    quotaWindowMs: r[REPLY.quotaWindowMs] ?? 0,
    nowMs: r[REPLY.nowMs] ?? 0,
  };
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  max: number,
): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > max) {
    throw new RangeError(
      `createLimiter: ${name} must be an integer from 1 to ${max}, got ${chosen}`,
    );
  }
  return chosen;
}

/**
 * Plan rate limits and quotas, counted in Redis with one Lua call per request (see
 * limiter-script.ts), with the plan's failure policy deciding whenever Redis cannot answer
 * within `budgetMs`: 'open' admits under an approximate local limiter, 'closed' refuses with
 * reason 'unavailable'. `check` never throws and never takes longer than the budget.
 */
export function createLimiter(opts: LimiterOptions): Limiter {
  // Options are checked once here, so a misconfiguration fails at boot rather than per request.
  if (!/^[^{}\s]{1,100}$/.test(opts.keyPrefix)) {
    throw new RangeError(
      `createLimiter: keyPrefix must be 1-100 characters without braces or spaces (it sits inside a Redis Cluster hash tag), got ${JSON.stringify(opts.keyPrefix)}`,
    );
  }
  const budgetMs = positiveInteger('budgetMs', opts.budgetMs, DEFAULT_BUDGET_MS, 60_000);
  const maxInFlight = positiveInteger(
    'maxInFlight',
    opts.maxInFlight,
    DEFAULT_MAX_IN_FLIGHT,
    1_000_000,
  );
  const maxLocalEntries = positiveInteger(
    'maxLocalEntries',
    opts.maxLocalEntries,
    DEFAULT_MAX_LOCAL_ENTRIES,
    10_000_000,
  );
  const breakerFailures = positiveInteger(
    'openCircuitAfterFailures',
    opts.openCircuitAfterFailures,
    DEFAULT_BREAKER_FAILURES,
    1_000_000,
  );
  const breakerCooldownMs = positiveInteger(
    'circuitCooldownMs',
    opts.circuitCooldownMs,
    DEFAULT_BREAKER_COOLDOWN_MS,
    3_600_000,
  );
  const redis = opts.redis === null ? null : installCommands(opts.redis);
  const injectedNow = opts.now;
  const clock = injectedNow ?? Date.now;
  const keyCache = new BoundedMap<string, SubjectKeys>(maxLocalEntries);
  const local = new LocalLimiter(maxLocalEntries);
  const metrics = new LimiterMetrics();
  let inFlight = 0;
  let closed = false;
  // Circuit breaker: after consecutive timeouts or errors, stop waiting on Redis for a while so a
  // hung server costs each request nothing instead of the whole budget. Measured on the
  // monotonic clock, never on the injectable one.
  let consecutiveFailures = 0;
  let circuitOpenUntil = 0;

  function redisFailed(): void {
    consecutiveFailures += 1;
    if (consecutiveFailures >= breakerFailures) {
      circuitOpenUntil = performance.now() + breakerCooldownMs;
      // Half-open after the cooldown: one more failure reopens at once.
      consecutiveFailures = breakerFailures - 1;
    }
  }

  if (redis !== null && redis.status === 'wait') {
    // A lazyConnect client only connects on its first command, which the limiter never sends
    // while the client is not ready.
    redis.connect().catch(() => {
      // Connection errors surface as status changes; checks fall back until it is ready.
    });
  }

  function keysFor(planId: string, subject: string): SubjectKeys {
    // Keyed by subject alone so a hit builds no string; a subject seen under another plan rebuilds.
    let keys = keyCache.get(subject);
    if (keys === undefined || keys.planId !== planId) {
      // The layout is shared with the control plane, which reads the quota counters.
      keys = {
        planId,
        rateKey: rateLimitKey(opts.keyPrefix, planId, subject),
        quotaDayKey: quotaCounterKey(opts.keyPrefix, planId, subject, 'day'),
        quotaMonthKey: quotaCounterKey(opts.keyPrefix, planId, subject, 'month'),
      };
      keyCache.set(subject, keys);
    }
    return keys;
  }

  function withoutRedis(
    req: LimitCheck,
    keys: SubjectKeys,
    cause: UnavailableCause,
  ): LimitDecision {
    metrics.unavailable(req.failurePolicy, cause);
    const nowMs = Math.floor(clock());
    if (req.failurePolicy === 'closed') {
      let quotaWindowMs = 0;
      if (req.quota !== null) {
        const period = quotaPeriodAt(nowMs, req.quota.per);
        quotaWindowMs = period.endMs - period.startMs;
      }
      return unavailableDecision(req, nowMs, quotaWindowMs);
    }
    const outcome = local.check(keys.rateKey, req.rateLimit, req.quota, nowMs);
    metrics.localDecisions[outcome.reasonCode] =
      (metrics.localDecisions[outcome.reasonCode] ?? 0) + 1;
    return decisionFromOutcome(req, outcome);
  }

  function refund(
    req: LimitCheck,
    keys: SubjectKeys,
    args: Array<string | number>,
    outcome: LimitOutcome,
  ) {
    if (redis === null) return;
    const periodStart =
      req.quota === null ? '' : String(quotaPeriodAt(outcome.nowMs, req.quota.per).startMs);
    redis[LIMITER_REFUND_COMMAND](
      keys.rateKey,
      req.quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey,
      args[0] ?? '',
      args[1] ?? 0,
      args[2] ?? 0,
      args[3] ?? 0,
      periodStart,
    ).catch(() => {
      // Best effort: a refund that cannot reach Redis leaves one request counted too many.
    });
  }

  function check(req: LimitCheck): Promise<LimitDecision> {
    const { rateLimit, quota } = req;
    if (rateLimit === null && quota === null) return Promise.resolve(UNLIMITED);
    const keys = keysFor(req.planId, req.subject);
    if (closed || redis === null || redis.status !== 'ready') {
      return Promise.resolve(withoutRedis(req, keys, 'no_connection'));
    }
    if (circuitOpenUntil !== 0) {
      if (performance.now() < circuitOpenUntil) {
        return Promise.resolve(withoutRedis(req, keys, 'circuit_open'));
      }
      circuitOpenUntil = 0;
    }
    if (inFlight >= maxInFlight) return Promise.resolve(withoutRedis(req, keys, 'overload'));

    const nowArg = injectedNow === undefined ? '' : String(Math.floor(injectedNow()));
    const rateRequests = rateLimit === null ? 0 : rateLimit.requests;
    const ratePeriod = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
    const quotaRequests = quota === null ? 0 : quota.requests;
    const quotaPer = quota === null ? '' : quota.per;

    return new Promise<LimitDecision>((resolve) => {
      let settled = false;
      inFlight += 1;
      const timer = setTimeout(() => {
        settled = true;
        redisFailed();
        resolve(withoutRedis(req, keys, 'timeout'));
      }, budgetMs);
      let call: Promise<unknown>;
      try {
        call = redis[LIMITER_COMMAND](
          keys.rateKey,
          req.quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey,
          nowArg,
          rateRequests,
          ratePeriod,
          quotaRequests,
          quotaPer,
        );
      } catch {
        // ioredis reports failures through the promise; this guards the contract "never throws".
        call = Promise.reject(new Error('limiter command could not be sent'));
      }
      call.then(
        (reply) => {
          inFlight -= 1;
          const outcome = outcomeFromReply(reply);
          if (settled) {
            metrics.lateReplies += 1;
            // Refused as unavailable but counted by Redis after all: give the admission back.
            if (outcome?.allowed === true && req.failurePolicy === 'closed') {
              refund(req, keys, [nowArg, rateRequests, ratePeriod, quotaRequests], outcome);
            }
            return;
          }
          settled = true;
          clearTimeout(timer);
          if (outcome === null) {
            redisFailed();
            resolve(withoutRedis(req, keys, 'error'));
            return;
          }
          consecutiveFailures = 0;
          metrics.redisDecisions[outcome.reasonCode] =
            (metrics.redisDecisions[outcome.reasonCode] ?? 0) + 1;
          resolve(decisionFromOutcome(req, outcome));
        },
        () => {
          inFlight -= 1;
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          redisFailed();
          resolve(withoutRedis(req, keys, 'error'));
        },
      );
    });
  }

  return {
    check,
    metricsText: () =>
      metrics.render({ localSubjects: local.size, keyCacheEntries: keyCache.size, inFlight }),
    async close() {
      closed = true;
      local.clear();
      keyCache.clear();
    },
  };
}
