import { groupBySlot } from './key-slot.js';
import type { LeaseBook } from './lease-book.js';
import { deliver, LEASE_REFILL } from './limit-waiters.js';
import type { LimiterFailurePolicy } from './limiter-failure-policy.js';
import type { LimiterMetrics, UnavailableCause } from './limiter-metrics.js';
import { LIMITER_BATCH_COMMAND, REPLY, REPLY_STRIDE } from './limiter-script.js';
import {
  type CheckColumns,
  checkArgs,
  decisionFromReply,
  isRestoringReply,
  itemAt,
  replyNumbers,
} from './limiter-script-calls.js';
import type {
  FirstConnectionListener,
  LimiterConnection,
  LimiterTransport,
} from './limiter-transport.js';
import type { LimitCheck, LimitWaiter } from './limiter-types.js';
import type { Refund, SubjectKeys } from './subject-keys.js';

/**
 * The checks submitted during one event-loop turn (at most `maxBatchSize`): sent to Redis
 * together and bounded by one ceiling timer (`maxWaitMs`), started with the first of them so that
 * none waits longer. Parallel arrays, so a check costs three array slots, not an object.
 */
interface Batch extends CheckColumns {
  readonly reqs: LimitCheck[];
  readonly keys: SubjectKeys[];
  /** Each check's waiter until it is decided, then null: the guard against a second decision. */
  readonly waiters: Array<LimitWaiter | null>;
  readonly wants: number[];
  /** Checks whose waiter has not heard back yet. */
  undecided: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Monotonic ms when the batch started filling: how long its checks waited for Redis. */
  readonly startedAt: number;
}

/** What the batcher works with, built once by the factory (redis-limiter.ts). */
export interface BatcherParts {
  readonly settings: {
    readonly budgetMs: number;
    readonly maxWaitMs: number;
    readonly maxBatchSize: number;
    readonly maxInFlight: number;
  };
  readonly transport: LimiterTransport;
  readonly policy: LimiterFailurePolicy;
  readonly leases: LeaseBook;
  readonly metrics: LimiterMetrics;
  /** The restore marker's key while calls must carry it, else null (limiter-peers.ts). */
  readonly restoreGuardKey: () => string | null;
}

/**
 * Queues the checks of one event-loop turn and sends them in `setImmediate` as one Lua call
 * (limiter-script.ts) of up to `maxBatchSize` checks, evaluated in order, one call per hash slot
 * on a cluster. `setImmediate` runs after the poll phase has handled every ready socket, so all
 * requests parsed in one I/O round share a call. One timer per batch enforces the ceiling;
 * `enqueue` allocates nothing but array slots. Every waiter hears back exactly once: from Redis's
 * reply, or from the failure policy when the call fails, times out or cannot be sent.
 */
export class LimiterBatcher implements FirstConnectionListener {
  readonly #budgetMs: number;
  readonly #maxWaitMs: number;
  readonly #maxBatchSize: number;
  readonly #maxInFlight: number;
  readonly #transport: LimiterTransport;
  readonly #policy: LimiterFailurePolicy;
  readonly #leases: LeaseBook;
  readonly #metrics: LimiterMetrics;
  readonly #restoreGuardKey: () => string | null;
  /** Checks queued or sent to Redis whose call has not replied or failed yet. */
  #inFlight = 0;
  /** Batches flushed while the first connection was still being made: sent once it is ready. */
  #parked: Batch[] = [];
  /** The batch new checks join; null once flushed. */
  #filling: Batch | null = null;
  /** Batches of this turn, in order, waiting for the flush. */
  #queued: Batch[] = [];
  #flushScheduled = false;
  // Bound once, so the timers of every batch share them.
  readonly #flush = () => this.#flushQueued();
  readonly #ceiling = (batch: Batch) => this.#ceilingReached(batch);

  constructor(parts: BatcherParts) {
    this.#budgetMs = parts.settings.budgetMs;
    this.#maxWaitMs = parts.settings.maxWaitMs;
    this.#maxBatchSize = parts.settings.maxBatchSize;
    this.#maxInFlight = parts.settings.maxInFlight;
    this.#transport = parts.transport;
    this.#policy = parts.policy;
    this.#leases = parts.leases;
    this.#metrics = parts.metrics;
    this.#restoreGuardKey = parts.restoreGuardKey;
  }

  /** Checks queued or sent and not answered yet, for the `portico_limiter_in_flight` gauge. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** `maxInFlight` checks are outstanding: new ones skip Redis (a hung server). */
  get full(): boolean {
    return this.#inFlight >= this.#maxInFlight;
  }

  /** Adds a check to this turn's batch; `want` is the admissions it asks for (negative: refill). */
  enqueue(req: LimitCheck, keys: SubjectKeys, waiter: LimitWaiter, want: number): void {
    this.#inFlight += 1;
    // One call has one now: a check made after the injected clock moved starts a new batch.
    const nowArg = this.#transport.nowArg();
    let batch = this.#filling;
    if (batch === null || batch.reqs.length >= this.#maxBatchSize || batch.nowArg !== nowArg) {
      batch = this.#startBatch(nowArg);
    }
    batch.reqs.push(req);
    batch.keys.push(keys);
    batch.waiters.push(waiter);
    batch.wants.push(want);
    batch.undecided += 1;
  }

  scheduleFlush(): void {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  /** Sends the leases' leftovers collected since the last flush. */
  sendReturns(): Promise<void> {
    const pending = this.#leases.takeReturns();
    if (pending.length === 0 || !this.#transport.ready) return Promise.resolve();
    return this.#transport.sendRefunds(pending);
  }

  firstConnectionReady(): void {
    const waiting = this.#parked;
    this.#parked = [];
    for (const batch of waiting) this.#send(batch);
  }

  firstConnectionLost(): void {
    const waiting = this.#parked;
    this.#parked = [];
    for (const batch of waiting) {
      this.#inFlight -= batch.reqs.length;
      this.#decideWithoutRedis(batch, null, 'no_connection');
    }
  }

  #startBatch(nowArg: string): Batch {
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
    batch.timer = setTimeout(this.#ceiling, this.#maxWaitMs, batch);
    this.#queued.push(batch);
    this.#filling = batch;
    this.scheduleFlush();
    return batch;
  }

  #flushQueued(): void {
    this.#flushScheduled = false;
    this.#filling = null;
    // Waiters answered below may submit again; those checks start the next turn's queue.
    // Returned admissions go first, so the checks behind them on the connection can use them;
    // then what was admitted here during an outage, so those checks see it counted.
    if (this.#leases.hasReturns) void this.sendReturns();
    if (this.#policy.failOpen.hasPendingCharges) void this.#policy.sendCharges(this.#transport);
    const batches = this.#queued;
    this.#queued = [];
    for (const batch of batches) this.#send(batch);
  }

  /** Claims check `i`'s waiter for its one decision; null when it was already decided. */
  #claim(batch: Batch, i: number): LimitWaiter | null {
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

  /** Decides every still-undecided check at `positions` (null: the whole batch) without Redis. */
  #decideWithoutRedis(
    batch: Batch,
    positions: readonly number[] | null,
    cause: UnavailableCause,
  ): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : itemAt(positions, j);
      const waiter = this.#claim(batch, i);
      if (itemAt(batch.wants, i) !== 1) itemAt(batch.keys, i).leasing = false;
      // A refill has no request waiting: nothing to decide locally.
      if (waiter !== null && waiter !== LEASE_REFILL) {
        const decision = this.#policy.decide(itemAt(batch.reqs, i), itemAt(batch.keys, i), cause);
        deliver(waiter, decision, this.#metrics);
      }
    }
  }

  /**
   * The hard ceiling: Redis has not answered a batch in `maxWaitMs`. A reply that is merely late
   * (a busy event loop, a slow Redis) is waited for until then; only this counts as a timeout.
   */
  #ceilingReached(batch: Batch): void {
    batch.timer = undefined;
    if (batch.undecided === 0) return;
    // However many checks the batch carried, it is one failed round trip for the breaker.
    this.#policy.breaker.failed();
    this.#decideWithoutRedis(batch, null, 'timeout');
  }

  #send(batch: Batch): void {
    const count = batch.reqs.length;
    if (batch.undecided === 0) {
      // Every check was already decided (the budget ran out before the flush): nothing to ask.
      this.#inFlight -= count;
      return;
    }
    const transport = this.#transport;
    if (!transport.closed && transport.connectingFirstTime) {
      this.#parked.push(batch);
      return;
    }
    const conn = transport.redis;
    if (transport.closed || conn === null || conn.status !== 'ready') {
      // The connection went away between submit and flush: as if it had been gone at submit.
      this.#inFlight -= count;
      this.#decideWithoutRedis(batch, null, 'no_connection');
      return;
    }
    if (!transport.cluster || count === 1) {
      this.#sendCall(conn, batch, null);
      return;
    }
    const slots = new Array<number>(count);
    for (let i = 0; i < count; i++) slots[i] = itemAt(batch.keys, i).slot;
    const groups = groupBySlot(slots, count);
    if (groups.length === 1) this.#sendCall(conn, batch, null);
    else for (const group of groups) this.#sendCall(conn, batch, group);
  }

  /** Sends the checks at `positions` (null: the whole batch) as one call of the batch script. */
  #sendCall(conn: LimiterConnection, batch: Batch, positions: readonly number[] | null): void {
    const args = checkArgs(batch, positions, this.#restoreGuardKey());
    this.#metrics.redisCalls += 1;
    this.#transport.call(conn, LIMITER_BATCH_COMMAND, args).then(
      (reply) => this.#replied(batch, positions, reply),
      () => this.#failed(batch, positions),
    );
  }

  #replied(batch: Batch, positions: readonly number[] | null, reply: unknown): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    const policy = this.#policy;
    const metrics = this.#metrics;
    if (isRestoringReply(reply)) {
      // Redis is up but lost the counters, and they are not restored yet: the plans' failure
      // policies decide until the worker has re-seeded them from the usage rollups.
      this.#inFlight -= count;
      policy.breaker.succeeded();
      this.#decideWithoutRedis(batch, positions, 'restoring');
      return;
    }
    const values = replyNumbers(reply, count);
    if (values === null) {
      this.#failed(batch, positions);
      return;
    }
    this.#inFlight -= count;
    const nowMs = values[0] ?? 0;
    // The call was answered: Redis is up, however long the reply took.
    policy.breaker.succeeded();
    const waitedMs = performance.now() - batch.startedAt;
    metrics.observeWait(waitedMs);
    let refunds: Refund[] | null = null;
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : itemAt(positions, j);
      const offset = 1 + REPLY_STRIDE * j;
      const reasonCode = values[offset + REPLY.reason] ?? 0;
      const granted = values[offset + REPLY.granted] ?? 0;
      const req = itemAt(batch.reqs, i);
      const keys = itemAt(batch.keys, i);
      const want = itemAt(batch.wants, i);
      // A negative want marks a refill (limiter-script.ts takes its magnitude).
      const refill = want < 0;
      if (refill || want > 1) keys.leasing = false;
      const waiter = this.#claim(batch, i);
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
      if (waitedMs > this.#budgetMs) metrics.slowReplies += 1;
      if (refill) {
        if (reasonCode === 0) this.#leases.grant(keys, req, granted, values, offset, nowMs);
        if (req.quota !== null)
          policy.failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
        continue;
      }
      metrics.redisDecisions[reasonCode] = (metrics.redisDecisions[reasonCode] ?? 0) + 1;
      if (req.quota !== null)
        policy.failOpen.redisAnswered(keys, values[offset + REPLY.quotaRemaining] ?? 0, nowMs);
      if (reasonCode === 0 && granted > 1) {
        const lease = this.#leases.grant(keys, req, granted - 1, values, offset, nowMs);
        if (lease !== null) {
          deliver(waiter, this.#leases.decision(req, lease), metrics);
          continue;
        }
      }
      deliver(waiter, decisionFromReply(req, values, offset, nowMs), metrics);
    }
    if (refunds !== null) void this.#transport.sendRefunds(refunds);
    // Redis answers again: what was admitted here meanwhile goes to its counters.
    if (policy.failOpen.hasPendingCharges) this.scheduleFlush();
  }

  #failed(batch: Batch, positions: readonly number[] | null): void {
    const count = positions === null ? batch.reqs.length : positions.length;
    this.#inFlight -= count;
    let undecided = false;
    for (let j = 0; j < count && !undecided; j++) {
      undecided = batch.waiters[positions === null ? j : itemAt(positions, j)] !== null;
    }
    // A call whose checks the budget already decided has been counted as a failure then.
    if (!undecided) return;
    this.#policy.breaker.failed();
    this.#decideWithoutRedis(batch, positions, 'error');
  }
}
