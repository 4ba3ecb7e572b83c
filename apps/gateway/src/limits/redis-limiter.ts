import {
  limiterEpochKey,
  type Quota,
  quotaCounterKey,
  type RateLimit,
  rateLimitKey,
} from '@portico/config';
import type { Cluster, Redis } from 'ioredis';
import { BoundedFailOpen, type Charge, type FailOpenState } from './bounded-fail-open.js';
import { BoundedMap } from './bounded-map.js';
import { groupBySlot, redisKeySlot } from './key-slot.js';
import { RedisBreaker } from './limiter-breaker.js';
import { LIMITER_CHARGE_BATCH_COMMAND, LIMITER_CHARGE_BATCH_LUA } from './limiter-charge-script.js';
import { LimiterMetrics, type UnavailableCause } from './limiter-metrics.js';
import { LivePeers } from './limiter-peers.js';
import { LIMITER_REFUND_BATCH_COMMAND, LIMITER_REFUND_BATCH_LUA } from './limiter-refund-script.js';
import {
  ARGV_STRIDE,
  LIMITER_BATCH_COMMAND,
  LIMITER_BATCH_LUA,
  REPLY,
  REPLY_STRIDE,
} from './limiter-script.js';
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
  [LIMITER_CHARGE_BATCH_COMMAND](args: Array<string | number>): Promise<unknown>;
}

type LimiterConnection = (Redis | Cluster) & LimiterCommands;

interface SubjectKeys extends FailOpenState {
  planId: string;
  /** Admissions Redis already counted for this subject, for its next requests here. */
  lease: Lease | null;
  /** A lease call for the subject is in flight: other checks meanwhile ask for one admission. */
  leasing: boolean;
  /** Checks of the subject since `demandSince` (monotonic ms): sizes the next lease. */
  demand: number;
  demandSince: number;
}

/**
 * A lease: admissions Redis has counted for a subject ahead of its requests (limiter-script.ts),
 * handed out here one per request until they run out or `expiresAt` passes; what is left then
 * goes back to Redis. The numbers for the rate-limit headers are Redis's at the grant, with the
 * lease's own unused admissions added back.
 */
interface Lease {
  readonly keys: SubjectKeys;
  readonly rateLimit: RateLimit | null;
  readonly quota: Quota | null;
  tokens: number;
  /** Admissions after the last grant: a refill is asked for when half of them is left. */
  size: number;
  /** Monotonic ms after which the unused admissions go back to Redis. */
  expiresAt: number;
  /** Redis time of the grant: the quota period the admissions were counted in. */
  nowMs: number;
  rateRemaining: number;
  rateResetMs: number;
  quotaRemaining: number;
  quotaResetMs: number;
  quotaWindowMs: number;
}

/** Admissions to give back in one refund call (limiter-refund-script.ts). */
interface Refund {
  readonly keys: SubjectKeys;
  readonly rateLimit: RateLimit | null;
  readonly quota: Quota | null;
  readonly count: number;
  /** When they were counted (Redis time), so a refund never takes from a later quota period. */
  readonly countedAtMs: number;
}

/**
 * The checks submitted during one event-loop turn (at most `maxBatchSize`): sent to Redis
 * together and bounded by one ceiling timer (`maxWaitMs`), started with the first of them so that
 * none waits longer. Parallel arrays, so a check costs three array slots, not an object.
 */
interface Batch {
  readonly reqs: LimitCheck[];
  readonly keys: SubjectKeys[];
  /** Each check's waiter until it is decided, then null: the guard against a second decision. */
  readonly waiters: Array<LimitWaiter | null>;
  /** Admissions each check asks for: 1, or more for a lease. */
  readonly wants: number[];
  /** ARGV[1] of the script: the injected clock's whole ms, or '' for Redis TIME. */
  readonly nowArg: string;
  /** Checks whose waiter has not heard back yet. */
  undecided: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Monotonic ms when the batch started filling: how long its checks waited for Redis. */
  readonly startedAt: number;
}

const DEFAULT_BUDGET_MS = 50;
const DEFAULT_MAX_WAIT_MS = 1_000;
const DEFAULT_PEERS_INTERVAL_MS = 1_000;
const DEFAULT_MAX_BATCH_SIZE = 512;
const DEFAULT_MAX_LOCAL_ENTRIES = 10_000;
const DEFAULT_MAX_IN_FLIGHT = 10_000;
const DEFAULT_BREAKER_FAILURES = 5;
const DEFAULT_BREAKER_COOLDOWN_MS = 1_000;
const DEFAULT_MAX_LEASE = 1;
const DEFAULT_LEASE_MS = 200;
/** Shortest span a subject's rate of checks is measured over (a burst within one turn). */
const MIN_DEMAND_WINDOW_MS = 5;

/**
 * The waiter of a check sent only to refill a subject's lease ahead of its requests: no request
 * waits on it, so its decision goes nowhere and its admissions all go to the lease.
 */
const LEASE_REFILL: LimitWaiter = Object.freeze({ onLimitDecision: () => undefined });

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
  if (typeof candidate[LIMITER_CHARGE_BATCH_COMMAND] !== 'function') {
    redis.defineCommand(LIMITER_CHARGE_BATCH_COMMAND, { lua: LIMITER_CHARGE_BATCH_LUA });
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
 * Redis is unavailable (connection lost, circuit open, or no answer within the `maxWaitMs`
 * ceiling): 'open' admits under a bounded local limiter, 'closed' refuses with reason
 * 'unavailable'. A reply that is only slow (later than `budgetMs`) is waited for and used.
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
  const maxWaitMs = positiveInteger('maxWaitMs', opts.maxWaitMs, DEFAULT_MAX_WAIT_MS, 60_000);
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
  const maxLease = positiveInteger('maxLease', opts.maxLease, DEFAULT_MAX_LEASE, 4_096);
  const leaseMs = positiveInteger('leaseMs', opts.leaseMs, DEFAULT_LEASE_MS, 60_000);
  const redis = opts.redis === null ? null : installCommands(opts.redis);
  const cluster = opts.cluster === true || redis?.isCluster === true;
  const injectedNow = opts.now;
  const clock = injectedNow ?? Date.now;
  const keyCache = new BoundedMap<string, SubjectKeys>(maxLocalEntries);
  const local = new LocalLimiter(maxLocalEntries);
  const epochKey = limiterEpochKey(opts.keyPrefix);
  const requireMarker = opts.requireRestoreMarker === true;
  const peersIntervalMs = positiveInteger(
    'peersIntervalMs',
    opts.peersIntervalMs,
    DEFAULT_PEERS_INTERVAL_MS,
    60_000,
  );
  const peers =
    redis === null
      ? null
      : new LivePeers(redis, opts.keyPrefix, {
          intervalMs: peersIntervalMs,
          markerKey: epochKey,
          // A process that admitted on its own during an outage but gets no request afterwards
          // still charges those admissions once Redis answers its heartbeat.
          onAnswer: () => {
            if (failOpen.hasPendingCharges) scheduleFlush();
          },
        });
  const failOpen = new BoundedFailOpen(local, () => peers?.count ?? 1);
  peers?.start();
  const metrics = new LimiterMetrics();
  /** Checks queued or sent to Redis whose call has not replied or failed yet. */
  let inFlight = 0;
  let closed = false;
  // After consecutive failed calls, stop waiting on Redis for a while so a hung server costs
  // each request nothing instead of the whole ceiling.
  const breaker = new RedisBreaker(breakerFailures, breakerCooldownMs);
  /**
   * The connection has been ready at least once. Before that (a gateway that just started) a
   * check waits for the first connection, up to the ceiling, instead of being decided without
   * Redis: a cold burst must be counted in Redis like any other. Afterwards, a connection that is
   * not ready is known lost and checks are decided at once.
   */
  let everReady = redis?.status === 'ready';
  /** Batches flushed while the first connection was still being made: sent once it is ready. */
  let parked: Batch[] = [];
  /** The batch new checks join; null once flushed. */
  let filling: Batch | null = null;
  /** Batches of this turn, in order, waiting for the flush. */
  let queued: Batch[] = [];
  let flushScheduled = false;
  /** Every lease with admissions left, for the sweep that gives back expired ones. */
  const leases = new Set<Lease>();
  /** Lease admissions to give back at the next flush. */
  let returns: Refund[] = [];
  const sweepTimer = maxLease > 1 ? setInterval(sweepLeases, leaseMs) : undefined;
  sweepTimer?.unref();

  function redisFailed(): void {
    breaker.failed();
  }

  /** Still making the first connection: checks wait for it (up to the ceiling). */
  function connectingFirstTime(): boolean {
    if (everReady || redis === null) return false;
    const status = redis.status;
    return status === 'wait' || status === 'connecting' || status === 'connect';
  }

  if (redis !== null && !everReady) {
    const onReady = () => {
      everReady = true;
      const waiting = parked;
      parked = [];
      for (const batch of waiting) send(batch);
    };
    // A first connection that fails: the waiting batches are decided now, not at the ceiling.
    const onLost = () => {
      if (everReady) return;
      const waiting = parked;
      parked = [];
      for (const batch of waiting) {
        inFlight -= batch.reqs.length;
        decideWithoutRedis(batch, null, 'no_connection');
      }
    };
    redis.once('ready', onReady);
    redis.on('close', onLost);
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
        knownQuotaRemaining: -1,
        knownAtMs: 0,
        localAdmitted: 0,
        uncharged: 0,
        unchargedStartMs: 0,
        unchargedEndMs: 0,
        unchargedPer: 'day',
        lease: null,
        leasing: false,
        demand: 0,
        demandSince: 0,
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
    const outcome = failOpen.decide(req, keys, nowMs);
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
      if (at(batch.wants, i) !== 1) at(batch.keys, i).leasing = false;
      // A refill has no request waiting: nothing to decide locally.
      if (waiter !== null && waiter !== LEASE_REFILL)
        deliver(waiter, withoutRedis(at(batch.reqs, i), at(batch.keys, i), cause));
    }
  }

  /**
   * The hard ceiling: Redis has not answered a batch in `maxWaitMs`. A reply that is merely late
   * (a busy event loop, a slow Redis) is waited for until then; only this counts as a timeout.
   */
  function ceilingReached(batch: Batch): void {
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
      wants: [],
      nowArg,
      undecided: 0,
      timer: undefined,
      startedAt: performance.now(),
    };
    batch.timer = setTimeout(ceilingReached, maxWaitMs, batch);
    queued.push(batch);
    filling = batch;
    scheduleFlush();
    return batch;
  }

  function scheduleFlush(): void {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  function flush(): void {
    flushScheduled = false;
    filling = null;
    // Waiters answered below may submit again; those checks start the next turn's queue.
    // Returned admissions go first, so the checks behind them on the connection can use them;
    // then what was admitted here during an outage, so those checks see it counted.
    if (returns.length > 0) void sendReturns();
    if (failOpen.hasPendingCharges) void sendCharges();
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
    if (!closed && connectingFirstTime()) {
      parked.push(batch);
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
   * Arguments of the check script for the checks at `positions` (null: the whole batch):
   * numkeys, 2 keys per check, ARGV[1] now, then ARGV_STRIDE per check (limiter-script.ts).
   */
  function scriptArgs(batch: Batch, positions: readonly number[] | null): Array<string | number> {
    const count = positions === null ? batch.reqs.length : positions.length;
    const guard = restoreGuard() ? 1 : 0;
    const args = new Array<string | number>(2 + guard + (2 + ARGV_STRIDE) * count);
    args[0] = 2 * count + guard;
    const argv = 1 + 2 * count + guard;
    if (guard === 1) args[argv - 1] = epochKey;
    args[argv] = batch.nowArg;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : at(positions, j);
      const { rateLimit, quota } = at(batch.reqs, i);
      const keys = at(batch.keys, i);
      args[1 + 2 * j] = keys.rateKey;
      args[2 + 2 * j] = quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey;
      const a = argv + 1 + ARGV_STRIDE * j;
      args[a] = rateLimit === null ? 0 : rateLimit.requests;
      args[a + 1] = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
      args[a + 2] = quota === null ? 0 : quota.requests;
      args[a + 3] = quota === null ? '' : quota.per;
      args[a + 4] = Math.abs(at(batch.wants, i));
    }
    return args;
  }

  /**
   * Arguments of the refund script (limiter-refund-script.ts): the same keys and limits as the
   * check script, the start of the quota period each refund was counted in, and its count.
   */
  function refundArgs(refunds: readonly Refund[], nowArg: string): Array<string | number> {
    const count = refunds.length;
    const args = new Array<string | number>(2 + (2 + ARGV_STRIDE) * count);
    args[0] = 2 * count;
    const argv = 1 + 2 * count;
    args[argv] = nowArg;
    for (let j = 0; j < count; j++) {
      const { keys, rateLimit, quota, count: admissions, countedAtMs } = at(refunds, j);
      args[1 + 2 * j] = keys.rateKey;
      args[2 + 2 * j] = quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey;
      const a = argv + 1 + ARGV_STRIDE * j;
      args[a] = rateLimit === null ? 0 : rateLimit.requests;
      args[a + 1] = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
      args[a + 2] = quota === null ? 0 : quota.requests;
      args[a + 3] = quota === null ? '' : quotaPeriodAt(countedAtMs, quota.per).startMs;
      args[a + 4] = admissions;
    }
    return args;
  }

  /** Sends the checks at `positions` (null: the whole batch) as one call of the batch script. */
  function sendCall(
    conn: LimiterConnection,
    batch: Batch,
    positions: readonly number[] | null,
  ): void {
    const args = scriptArgs(batch, positions);
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

  /**
   * Whether calls carry the restore marker: once this process has seen it (or when told to
   * require it), a Redis without it lost its data, and counting from zero would reset quotas.
   * Not on a cluster, where the marker's slot is not the batch's.
   */
  function restoreGuard(): boolean {
    return !cluster && (requireMarker || peers?.markerSeen === true);
  }

  function replied(
    conn: LimiterConnection,
    batch: Batch,
    positions: readonly number[] | null,
    reply: unknown,
  ): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    if (Array.isArray(reply) && reply.length === 2 && reply[1] === -1) {
      // Redis is up but lost the counters, and they are not restored yet: the plans' failure
      // policies decide until the worker has re-seeded them from the usage rollups.
      inFlight -= count;
      breaker.succeeded();
      decideWithoutRedis(batch, positions, 'restoring');
      return;
    }
    const values = replyNumbers(reply, count);
    if (values === null) {
      failed(batch, positions);
      return;
    }
    inFlight -= count;
    const nowMs = values[0] ?? 0;
    // The call was answered: Redis is up, however long the reply took.
    breaker.succeeded();
    const waitedMs = performance.now() - batch.startedAt;
    metrics.observeWait(waitedMs);
    let refunds: Refund[] | null = null;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : at(positions, j);
      const offset = 1 + REPLY_STRIDE * j;
      const reasonCode = values[offset + REPLY.reason] ?? 0;
      const granted = values[offset + REPLY.granted] ?? 0;
      const req = at(batch.reqs, i);
      const keys = at(batch.keys, i);
      const want = at(batch.wants, i);
      // A negative want marks a refill (limiter-script.ts takes its magnitude).
      const refill = want < 0;
      if (refill || want > 1) keys.leasing = false;
      const waiter = claim(batch, i);
      if (waiter === null) {
        metrics.lateReplies += 1;
        // Decided without Redis, but counted by Redis after all: every admission goes back. A
        // request admitted locally (fail-open) is charged to Redis separately, with the other
        // local admissions, so the counter ends at what was served either way.
        if (reasonCode === 0 && granted > 0) {
          refunds ??= [];
          refunds.push({
            keys,
            rateLimit: req.rateLimit,
            quota: req.quota,
            count: granted,
            countedAtMs: nowMs,
          });
        }
        continue;
      }
      if (waitedMs > budgetMs) metrics.slowReplies += 1;
      if (refill) {
        if (reasonCode === 0) grantLease(keys, req, granted, values, offset, nowMs);
        if (req.quota !== null)
          failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
        continue;
      }
      metrics.redisDecisions[reasonCode] = (metrics.redisDecisions[reasonCode] ?? 0) + 1;
      if (req.quota !== null)
        failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
      if (reasonCode === 0 && granted > 1) {
        const lease = grantLease(keys, req, granted - 1, values, offset, nowMs);
        if (lease !== null) {
          deliver(waiter, leaseDecision(req, lease));
          continue;
        }
      }
      deliver(waiter, decisionFromReply(req, values, offset, nowMs));
    }
    if (refunds !== null) sendRefunds(conn, refunds);
    // Redis answers again: what was admitted here meanwhile goes to its counters.
    if (failOpen.hasPendingCharges) scheduleFlush();
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
   * Gives back admissions Redis counted that no request will use: fail-closed checks the budget
   * had already refused, and leases' leftovers. Best effort: a refund that cannot reach Redis
   * leaves those admissions counted. On a cluster, one call per hash slot.
   */
  function sendRefunds(conn: LimiterConnection, refunds: readonly Refund[]): Promise<void> {
    const nowArg = injectedNow === undefined ? '' : String(Math.floor(injectedNow()));
    const calls: Promise<unknown>[] = [];
    const sendGroup = (group: readonly Refund[]) => {
      for (let from = 0; from < group.length; from += maxBatchSize) {
        try {
          calls.push(
            conn[LIMITER_REFUND_BATCH_COMMAND](
              refundArgs(group.slice(from, from + maxBatchSize), nowArg),
            ),
          );
        } catch {
          // ioredis reports failures through the promise; this keeps "never throws".
        }
      }
    };
    if (!cluster || refunds.length === 1) sendGroup(refunds);
    else {
      const slots = refunds.map((r) => r.keys.slot);
      for (const group of groupBySlot(slots, slots.length))
        sendGroup(group.map((i) => at(refunds, i)));
    }
    return Promise.all(calls).then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Charges the admissions made here without Redis to the quota counters, once Redis is back
   * (connected, circuit closed). Charges that cannot be sent wait for the next attempt.
   */
  function sendCharges(): Promise<void> {
    if (redis === null || redis.status !== 'ready' || breaker.isOpen(performance.now()))
      return Promise.resolve();
    const charges = failOpen.takeCharges();
    if (charges.length === 0) return Promise.resolve();
    const conn = redis;
    const nowArg = injectedNow === undefined ? '' : String(Math.floor(injectedNow()));
    const calls: Promise<unknown>[] = [];
    const sendGroup = (group: readonly Charge[]) => {
      for (let from = 0; from < group.length; from += maxBatchSize) {
        const part = group.slice(from, from + maxBatchSize);
        const args: Array<string | number> = [part.length];
        for (const c of part) args.push(c.quotaKey);
        args.push(nowArg);
        for (const c of part) args.push(c.startMs, c.endMs, c.count);
        let call: Promise<unknown>;
        try {
          call = conn[LIMITER_CHARGE_BATCH_COMMAND](args);
        } catch {
          call = Promise.reject(new Error('limiter charge could not be sent'));
        }
        calls.push(
          call.then(
            () => {
              for (const c of part) metrics.charged += c.count;
            },
            () => failOpen.returnCharges(part),
          ),
        );
      }
    };
    if (!cluster || charges.length === 1) sendGroup(charges);
    else {
      const slots = charges.map((c) => c.state.slot);
      for (const group of groupBySlot(slots, slots.length))
        sendGroup(group.map((i) => at(charges, i)));
    }
    return Promise.all(calls).then(() => undefined);
  }

  /** Sends the leases' leftovers collected since the last flush. */
  function sendReturns(): Promise<void> {
    const pending = returns;
    returns = [];
    if (pending.length === 0 || redis === null || redis.status !== 'ready')
      return Promise.resolve();
    return sendRefunds(redis, pending);
  }

  /**
   * Admissions to ask for: the subject's recent rate of checks times half a lease period, so a
   * lease lasts about half its life and the refill sent at its middle arrives in time. A subject
   * seen less than about twice per `leaseMs` never leases.
   */
  function leaseWant(keys: SubjectKeys, now: number): number {
    const elapsed = Math.max(now - keys.demandSince, MIN_DEMAND_WINDOW_MS);
    const expected = Math.floor((keys.demand * leaseMs) / (2 * elapsed));
    if (elapsed >= leaseMs || expected >= 2) {
      keys.demand = 0;
      keys.demandSince = now;
    }
    if (expected < 2) return 1;
    return expected < maxLease ? expected : maxLease;
  }

  /** Adds `tokens` admissions Redis counted for the subject to its lease. */
  function grantLease(
    keys: SubjectKeys,
    req: LimitCheck,
    tokens: number,
    reply: readonly number[],
    offset: number,
    nowMs: number,
  ): Lease | null {
    let lease = keys.lease;
    if (lease !== null && (lease.rateLimit !== req.rateLimit || lease.quota !== req.quota)) {
      retireLease(lease);
      lease = null;
    }
    if (closed) {
      // Shutting down: nothing here will use them.
      metrics.leaseReturned += tokens;
      returns.push({
        keys,
        rateLimit: req.rateLimit,
        quota: req.quota,
        count: tokens,
        countedAtMs: nowMs,
      });
      scheduleFlush();
      return null;
    }
    metrics.leaseGranted += tokens;
    if (lease === null) {
      lease = {
        keys,
        rateLimit: req.rateLimit,
        quota: req.quota,
        tokens: 0,
        size: 0,
        expiresAt: 0,
        nowMs: 0,
        rateRemaining: 0,
        rateResetMs: 0,
        quotaRemaining: 0,
        quotaResetMs: 0,
        quotaWindowMs: 0,
      };
      keys.lease = lease;
      leases.add(lease);
    } else if (lease.tokens > 0 && quotaPeriodChanged(lease, req, nowMs)) {
      // Leftovers counted in an earlier quota period go back to it.
      retireLease(lease);
      keys.lease = lease;
      leases.add(lease);
    }
    lease.tokens += tokens;
    lease.size = lease.tokens;
    lease.expiresAt = performance.now() + leaseMs;
    lease.nowMs = nowMs;
    lease.rateRemaining = reply[offset + REPLY.rateRemaining] ?? 0;
    lease.rateResetMs = reply[offset + REPLY.rateResetMs] ?? 0;
    lease.quotaRemaining = reply[offset + REPLY.quotaRemaining] ?? 0;
    lease.quotaResetMs = reply[offset + REPLY.quotaResetMs] ?? 0;
    lease.quotaWindowMs = reply[offset + REPLY.quotaWindowMs] ?? 0;
    return lease;
  }

  /**
   * An admission from a lease. What remains, for the headers, is what Redis had left at the grant
   * plus the lease's unused admissions, so it counts down by one per request.
   */
  function leaseDecision(req: LimitCheck, lease: Lease): LimitDecision {
    return limitDecision(
      req,
      true,
      0,
      lease.rateRemaining + lease.tokens,
      lease.rateResetMs,
      lease.quotaRemaining + lease.tokens,
      lease.quotaResetMs,
      0,
      lease.quotaWindowMs,
      lease.nowMs,
    );
  }

  function quotaPeriodChanged(lease: Lease, req: LimitCheck, nowMs: number): boolean {
    const quota = req.quota;
    if (quota === null) return false;
    return (
      quotaPeriodAt(lease.nowMs, quota.per).startMs !== quotaPeriodAt(nowMs, quota.per).startMs
    );
  }

  /** Forgets a lease; its unused admissions go back to Redis at the next flush. */
  function retireLease(lease: Lease): void {
    leases.delete(lease);
    if (lease.keys.lease === lease) lease.keys.lease = null;
    if (lease.tokens > 0) {
      metrics.leaseReturned += lease.tokens;
      returns.push({
        keys: lease.keys,
        rateLimit: lease.rateLimit,
        quota: lease.quota,
        count: lease.tokens,
        countedAtMs: lease.nowMs,
      });
      lease.tokens = 0;
      scheduleFlush();
    }
  }

  /** Gives back the leftovers of leases that expired unused. */
  function sweepLeases(): void {
    const now = performance.now();
    for (const lease of leases) if (now >= lease.expiresAt) retireLease(lease);
  }

  /**
   * Admits the request from the subject's lease, if it holds an admission for these limits that
   * has not expired. Near the end of a lease a refill is sent ahead, so a busy subject's requests
   * keep being admitted here while it is on its way.
   */
  function admitFromLease(
    lease: Lease,
    keys: SubjectKeys,
    req: LimitCheck,
    waiter: LimitWaiter,
  ): boolean {
    const now = performance.now();
    if (
      lease.tokens === 0 ||
      now >= lease.expiresAt ||
      lease.rateLimit !== req.rateLimit ||
      lease.quota !== req.quota
    ) {
      retireLease(lease);
      return false;
    }
    lease.tokens -= 1;
    metrics.leaseAdmissions += 1;
    if (lease.tokens * 2 <= lease.size && !keys.leasing) requestRefill(keys, req, now);
    deliver(waiter, leaseDecision(req, lease));
    return true;
  }

  /** Queues a check that only reserves the subject's next lease (no request waits on it). */
  function requestRefill(keys: SubjectKeys, req: LimitCheck, now: number): void {
    if (closed || redis === null || redis.status !== 'ready' || inFlight >= maxInFlight) return;
    if (breaker.isOpen(now)) return;
    const want = leaseWant(keys, now);
    // Demand has dropped: the lease runs out and the next request asks Redis itself.
    if (want < 2) return;
    keys.leasing = true;
    enqueue(req, keys, LEASE_REFILL, -want);
  }

  /** Adds a check to this turn's batch. */
  function enqueue(req: LimitCheck, keys: SubjectKeys, waiter: LimitWaiter, want: number): void {
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
    batch.wants.push(want);
    batch.undecided += 1;
  }

  function submit(req: LimitCheck, waiter: LimitWaiter): void {
    const { rateLimit, quota } = req;
    if (rateLimit === null && quota === null) {
      deliver(waiter, UNLIMITED);
      return;
    }
    const keys = keysFor(req.planId, req.subject);
    if (maxLease > 1) {
      keys.demand += 1;
      const lease = keys.lease;
      if (lease !== null && admitFromLease(lease, keys, req, waiter)) return;
    }
    if (closed || redis === null || (redis.status !== 'ready' && !connectingFirstTime())) {
      deliver(waiter, withoutRedis(req, keys, 'no_connection'));
      return;
    }
    // The clock is read only while the circuit may be open, not on every check.
    if (breaker.mayBeOpen && breaker.isOpen(performance.now())) {
      deliver(waiter, withoutRedis(req, keys, 'circuit_open'));
      return;
    }
    if (inFlight >= maxInFlight) {
      deliver(waiter, withoutRedis(req, keys, 'overload'));
      return;
    }
    let want = 1;
    if (maxLease > 1 && !keys.leasing) {
      want = leaseWant(keys, performance.now());
      if (want > 1) keys.leasing = true;
    }
    enqueue(req, keys, waiter, want);
  }

  return {
    submit,
    check: (req) =>
      new Promise<LimitDecision>((resolve) => submit(req, { onLimitDecision: resolve })),
    metricsText: () =>
      metrics.render({
        localSubjects: local.size,
        keyCacheEntries: keyCache.size,
        inFlight,
        leases: leases.size,
        circuitOpen: breaker.openGauge(performance.now()),
        circuitOpened: breaker.opened,
        livePeers: peers?.count ?? 1,
        restoreGuard: restoreGuard() ? 1 : 0,
        pendingCharges: failOpen.pendingCharges,
      }),
    async close() {
      closed = true;
      if (sweepTimer !== undefined) clearInterval(sweepTimer);
      // Leases' leftovers go back now, so a stopping gateway leaves no admission counted unused.
      for (const lease of leases) retireLease(lease);
      await sendReturns();
      await sendCharges();
      await peers?.stop();
      local.clear();
      keyCache.clear();
    },
  };
}
