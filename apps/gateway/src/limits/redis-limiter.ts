import { quotaCounterKey, rateLimitKey } from '@portico/config';
import type { Cluster, Redis } from 'ioredis';
import { BoundedMap } from './bounded-map.js';
import { groupBySlot, redisKeySlot } from './key-slot.js';
import { LimiterMetrics, type UnavailableCause } from './limiter-metrics.js';
import { LIMITER_REFUND_BATCH_COMMAND, LIMITER_REFUND_BATCH_LUA } from './limiter-refund-script.js';
import { LIMITER_BATCH_COMMAND, LIMITER_BATCH_LUA, REPLY, REPLY_STRIDE } from './limiter-script.js';
import type {
  LimitCheck,
  LimitDecision,
  Limiter,
  LimiterOptions,
  LimitWaiter,
} from './limiter-types.js';
import { LocalLimiter } from './local-limiter.js';
import { quotaPeriodAt } from './quota-period.js';
import {
  decisionFromOutcome,
  limitDecision,
  ratePeriodMs,
  unavailableDecision,
} from './rate-limit-headers.js';

/**
 * The commands `defineCommand` adds to the caller's connection. Both take numkeys first, then
 * keys and arguments as one flat array (ioredis flattens it).
 */
interface LimiterCommands {
  [LIMITER_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
  [LIMITER_REFUND_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
}

type LimiterConnection = (Redis | Cluster) & LimiterCommands;

interface SubjectKeys {
  planId: string;
  rateKey: string;
  quotaDayKey: string;
  quotaMonthKey: string;
  /** Cluster hash slot of the subject's keys (one hash tag); 0 when not talking to a cluster. */
  slot: number;
}

/**
 * The checks submitted during one event-loop turn (at most `maxBatchSize`): sent to Redis
 * together and bounded by one budget timer, started with the first of them so that none waits
 * longer than the budget. Parallel arrays, so a check costs three array slots, not an object.
 */
interface Batch {
  readonly reqs: LimitCheck[];
  readonly keys: SubjectKeys[];
  /** Each check's waiter until it is decided, then null: the guard against a second decision. */
  readonly waiters: Array<LimitWaiter | null>;
  /** ARGV[1] of the script: the injected clock's whole ms, or '' for Redis TIME. */
  readonly nowArg: string;
  /** Checks whose waiter has not heard back yet. */
  undecided: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const DEFAULT_BUDGET_MS = 50;
const DEFAULT_MAX_BATCH_SIZE = 512;
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

function installCommands(redis: Redis | Cluster): LimiterConnection {
  const candidate = redis as (Redis | Cluster) & Partial<LimiterCommands>;
  // Several limiters may share one connection; the scripts only need defining once. Without
  // numberOfKeys, ioredis takes numkeys as the first argument, which a batch needs.
  if (typeof candidate[LIMITER_BATCH_COMMAND] !== 'function') {
    redis.defineCommand(LIMITER_BATCH_COMMAND, { lua: LIMITER_BATCH_LUA });
  }
  if (typeof candidate[LIMITER_REFUND_BATCH_COMMAND] !== 'function') {
    redis.defineCommand(LIMITER_REFUND_BATCH_COMMAND, { lua: LIMITER_REFUND_BATCH_LUA });
  }
  return redis as LimiterConnection;
}

/** `items[index]` for indices the caller knows are in range (the batch arrays' own positions). */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`limiter batch position ${index} out of range`);
  return item;
}

/** The script's reply, if it has the shape of `count` checks (see limiter-script.ts). */
function replyNumbers(reply: unknown, count: number): number[] | null {
  if (!Array.isArray(reply) || reply.length !== 1 + REPLY_STRIDE * count) return null;
  return reply as number[];
}

/** The decision for the check whose values start at `offset` in the script's reply. */
function decisionFromReply(
  req: LimitCheck,
  reply: readonly number[],
  offset: number,
  nowMs: number,
): LimitDecision {
  const reasonCode = reply[offset + REPLY.reason] ?? 0;
  return limitDecision(
    req,
    reasonCode === 0,
    reasonCode,
    reply[offset + REPLY.rateRemaining] ?? 0,
    reply[offset + REPLY.rateResetMs] ?? 0,
    reply[offset + REPLY.quotaRemaining] ?? 0,
    reply[offset + REPLY.quotaResetMs] ?? 0,
    reply[offset + REPLY.retryAfterMs] ?? 0,
    reply[offset + REPLY.quotaWindowMs] ?? 0,
    nowMs,
  );
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
 * Plan rate limits and quotas, counted in Redis, with the plan's failure policy deciding whenever
 * Redis cannot answer within `budgetMs`: 'open' admits under an approximate local limiter,
 * 'closed' refuses with reason 'unavailable'.
 *
 * Checks submitted during one event-loop turn are queued and sent in `setImmediate` as one Lua
 * call (limiter-script.ts) of up to `maxBatchSize` checks, evaluated in order. `setImmediate`
 * runs after the poll phase has handled every ready socket, so all requests parsed in one I/O
 * round share a call. One timer per batch enforces the budget; `submit` itself allocates nothing
 * but three array slots. Neither `submit` nor `check` throws, and every waiter hears back once.
 */
export function createLimiter(opts: LimiterOptions): Limiter {
  // Options are checked once here, so a misconfiguration fails at boot rather than per request.
  if (!/^[^{}\s]{1,100}$/.test(opts.keyPrefix)) {
    throw new RangeError(
      `createLimiter: keyPrefix must be 1-100 characters without braces or spaces (it sits inside a Redis Cluster hash tag), got ${JSON.stringify(opts.keyPrefix)}`,
    );
  }
  const budgetMs = positiveInteger('budgetMs', opts.budgetMs, DEFAULT_BUDGET_MS, 60_000);
  const maxBatchSize = positiveInteger(
    'maxBatchSize',
    opts.maxBatchSize,
    DEFAULT_MAX_BATCH_SIZE,
    4_096,
  );
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
  const cluster = opts.cluster === true || redis?.isCluster === true;
  const injectedNow = opts.now;
  const clock = injectedNow ?? Date.now;
  const keyCache = new BoundedMap<string, SubjectKeys>(maxLocalEntries);
  const local = new LocalLimiter(maxLocalEntries);
  const metrics = new LimiterMetrics();
  /** Checks queued or sent to Redis whose call has not replied or failed yet. */
  let inFlight = 0;
  let closed = false;
  // Circuit breaker: after consecutive failed calls, stop waiting on Redis for a while so a hung
  // server costs each request nothing instead of the whole budget. Measured on the monotonic
  // clock, never on the injectable one.
  let consecutiveFailures = 0;
  let circuitOpenUntil = 0;
  /** The batch new checks join; null once flushed. */
  let filling: Batch | null = null;
  /** Batches of this turn, in order, waiting for the flush. */
  let queued: Batch[] = [];
  let flushScheduled = false;

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
      const rateKey = rateLimitKey(opts.keyPrefix, planId, subject);
      keys = {
        planId,
        rateKey,
        quotaDayKey: quotaCounterKey(opts.keyPrefix, planId, subject, 'day'),
        quotaMonthKey: quotaCounterKey(opts.keyPrefix, planId, subject, 'month'),
        // All keys of a subject share its hash tag, so the rate key's slot is theirs.
        slot: cluster ? redisKeySlot(rateKey) : 0,
      };
      keyCache.set(subject, keys);
    }
    return keys;
  }

  /** Hands a decision to a waiter; a throwing waiter must not stop the others of its batch. */
  function deliver(waiter: LimitWaiter, decision: LimitDecision): void {
    try {
      waiter.onLimitDecision(decision);
    } catch {
      metrics.waiterErrors += 1;
    }
  }

  /** Claims check `i`'s waiter for its one decision; null when it was already decided. */
  function claim(batch: Batch, i: number): LimitWaiter | null {
    const waiter = batch.waiters[i] ?? null;
    if (waiter === null) return null;
    batch.waiters[i] = null;
    batch.undecided -= 1;
    if (batch.undecided === 0 && batch.timer !== undefined) {
      clearTimeout(batch.timer);
      batch.timer = undefined;
    }
    return waiter;
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

  /** Decides every still-undecided check at `positions` (null: the whole batch) without Redis. */
  function decideWithoutRedis(
    batch: Batch,
    positions: readonly number[] | null,
    cause: UnavailableCause,
  ): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : at(positions, j);
      const waiter = claim(batch, i);
      if (waiter !== null)
        deliver(waiter, withoutRedis(at(batch.reqs, i), at(batch.keys, i), cause));
    }
  }

  function budgetExpired(batch: Batch): void {
    batch.timer = undefined;
    if (batch.undecided === 0) return;
    // However many checks the batch carried, it is one failed round trip for the breaker.
    redisFailed();
    decideWithoutRedis(batch, null, 'timeout');
  }

  function startBatch(nowArg: string): Batch {
    const batch: Batch = {
      reqs: [],
      keys: [],
      waiters: [],
      nowArg,
      undecided: 0,
      timer: undefined,
    };
    batch.timer = setTimeout(budgetExpired, budgetMs, batch);
    queued.push(batch);
    filling = batch;
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
    return batch;
  }

  function flush(): void {
    flushScheduled = false;
    filling = null;
    // Waiters answered below may submit again; those checks start the next turn's queue.
    const batches = queued;
    queued = [];
    for (const batch of batches) send(batch);
  }

  function send(batch: Batch): void {
    const count = batch.reqs.length;
    if (batch.undecided === 0) {
      // Every check was already decided (the budget ran out before the flush): nothing to ask.
      inFlight -= count;
      return;
    }
    if (closed || redis === null || redis.status !== 'ready') {
      // The connection went away between submit and flush: as if it had been gone at submit.
      inFlight -= count;
      decideWithoutRedis(batch, null, 'no_connection');
      return;
    }
    if (!cluster || count === 1) {
      sendCall(redis, batch, null);
      return;
    }
    const slots = new Array<number>(count);
    for (let i = 0; i < count; i++) slots[i] = at(batch.keys, i).slot;
    const groups = groupBySlot(slots, count);
    if (groups.length === 1) sendCall(redis, batch, null);
    else for (const group of groups) sendCall(redis, batch, group);
  }

  /**
   * Arguments of the check and refund scripts for the checks at `positions` (null: the whole
   * batch): numkeys, 2 keys per check, ARGV[1] now, then 4 per check (limiter-script.ts and
   * limiter-refund-script.ts). With `refundAtMs` the 4th is the start of the quota period at that
   * instant, as the refund script takes it, instead of the quota period kind.
   */
  function scriptArgs(
    batch: Batch,
    positions: readonly number[] | null,
    refundAtMs: number | null,
  ): Array<string | number> {
    const count = positions === null ? batch.reqs.length : positions.length;
    const args = new Array<string | number>(2 + 6 * count);
    args[0] = 2 * count;
    const argv = 1 + 2 * count;
    args[argv] = batch.nowArg;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : at(positions, j);
      const { rateLimit, quota } = at(batch.reqs, i);
      const keys = at(batch.keys, i);
      args[1 + 2 * j] = keys.rateKey;
      args[2 + 2 * j] = quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey;
      const a = argv + 1 + 4 * j;
      args[a] = rateLimit === null ? 0 : rateLimit.requests;
      args[a + 1] = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
      args[a + 2] = quota === null ? 0 : quota.requests;
      if (quota === null) args[a + 3] = '';
      else if (refundAtMs === null) args[a + 3] = quota.per;
      else args[a + 3] = quotaPeriodAt(refundAtMs, quota.per).startMs;
    }
    return args;
  }

  /** Sends the checks at `positions` (null: the whole batch) as one call of the batch script. */
  function sendCall(
    conn: LimiterConnection,
    batch: Batch,
    positions: readonly number[] | null,
  ): void {
    const args = scriptArgs(batch, positions, null);
    metrics.redisCalls += 1;
    let call: Promise<unknown>;
    try {
      call = conn[LIMITER_BATCH_COMMAND](args);
    } catch {
      // ioredis reports failures through the promise; this guards the contract "never throws".
      call = Promise.reject(new Error('limiter command could not be sent'));
    }
    call.then(
      (reply) => replied(conn, batch, positions, reply),
      () => failed(batch, positions),
    );
  }

  function replied(
    conn: LimiterConnection,
    batch: Batch,
    positions: readonly number[] | null,
    reply: unknown,
  ): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    const values = replyNumbers(reply, count);
    if (values === null) {
      failed(batch, positions);
      return;
    }
    inFlight -= count;
    const nowMs = values[0] ?? 0;
    let answered = false;
    let refunds: number[] | null = null;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : at(positions, j);
      const offset = 1 + REPLY_STRIDE * j;
      const reasonCode = values[offset + REPLY.reason] ?? 0;
      const req = at(batch.reqs, i);
      const waiter = claim(batch, i);
      if (waiter === null) {
        metrics.lateReplies += 1;
        // Refused as unavailable but counted by Redis after all: give the admission back.
        if (reasonCode === 0 && req.failurePolicy === 'closed') {
          refunds ??= [];
          refunds.push(i);
        }
        continue;
      }
      answered = true;
      metrics.redisDecisions[reasonCode] = (metrics.redisDecisions[reasonCode] ?? 0) + 1;
      deliver(waiter, decisionFromReply(req, values, offset, nowMs));
    }
    if (answered) consecutiveFailures = 0;
    if (refunds !== null) refund(conn, batch, refunds, nowMs);
  }

  function failed(batch: Batch, positions: readonly number[] | null): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    inFlight -= count;
    let undecided = false;
    for (let j = 0; j < count && !undecided; j++) {
      undecided = batch.waiters[positions === null ? j : at(positions, j)] !== null;
    }
    // A call whose checks the budget already decided has been counted as a failure then.
    if (!undecided) return;
    redisFailed();
    decideWithoutRedis(batch, positions, 'error');
  }

  /**
   * Gives back, in one call, the admissions Redis counted for fail-closed checks the budget had
   * already refused. `positions` come from one call, so on a cluster they share a slot.
   */
  function refund(
    conn: LimiterConnection,
    batch: Batch,
    positions: readonly number[],
    nowMs: number,
  ): void {
    // The period each check counted in, from the reply's time, not the refund's.
    const args = scriptArgs(batch, positions, nowMs);
    let call: Promise<unknown>;
    try {
      call = conn[LIMITER_REFUND_BATCH_COMMAND](args);
    } catch {
      return;
    }
    call.catch(() => {
      // Best effort: a refund that cannot reach Redis leaves those requests counted.
    });
  }

  function submit(req: LimitCheck, waiter: LimitWaiter): void {
    const { rateLimit, quota } = req;
    if (rateLimit === null && quota === null) {
      deliver(waiter, UNLIMITED);
      return;
    }
    const keys = keysFor(req.planId, req.subject);
    if (closed || redis === null || redis.status !== 'ready') {
      deliver(waiter, withoutRedis(req, keys, 'no_connection'));
      return;
    }
    if (circuitOpenUntil !== 0) {
      if (performance.now() < circuitOpenUntil) {
        deliver(waiter, withoutRedis(req, keys, 'circuit_open'));
        return;
      }
      circuitOpenUntil = 0;
    }
    if (inFlight >= maxInFlight) {
      deliver(waiter, withoutRedis(req, keys, 'overload'));
      return;
    }
    inFlight += 1;
    let batch = filling;
    if (injectedNow === undefined) {
      if (batch === null || batch.reqs.length >= maxBatchSize) batch = startBatch('');
    } else {
      // One call has one now: a check made after the injected clock moved starts a new batch.
      const nowArg = String(Math.floor(injectedNow()));
      if (batch === null || batch.reqs.length >= maxBatchSize || batch.nowArg !== nowArg) {
        batch = startBatch(nowArg);
      }
    }
    batch.reqs.push(req);
    batch.keys.push(keys);
    batch.waiters.push(waiter);
    batch.undecided += 1;
  }

  return {
    submit,
    check: (req) =>
      new Promise<LimitDecision>((resolve) => submit(req, { onLimitDecision: resolve })),
    metricsText: () =>
      metrics.render({ localSubjects: local.size, keyCacheEntries: keyCache.size, inFlight }),
    async close() {
      closed = true;
      local.clear();
      keyCache.clear();
    },
  };
}
