import { type AskAgain, BatchAnswers } from './batch-answers.js';
import { type CheckBatch, callSize, claimWaiter, emptyBatch } from './check-batch.js';
import { groupBySlot } from './key-slot.js';
import type { LeaseBook } from './lease-book.js';
import { deliver, LEASE_REFILL } from './limit-waiters.js';
import type { LimiterFailurePolicy } from './limiter-failure-policy.js';
import type { LimiterMetrics, UnavailableCause } from './limiter-metrics.js';
import { LIMITER_BATCH_COMMAND } from './limiter-script.js';
import { checkArgs, isRestoringReply, itemAt, replyNumbers } from './limiter-script-calls.js';
import type {
  FirstConnectionListener,
  LimiterConnection,
  LimiterTransport,
} from './limiter-transport.js';
import type { LimitCheck, LimitDecision, LimitWaiter } from './limiter-types.js';
import type { SubjectKeys } from './subject-keys.js';

/** What the batcher works with, built once by the factory (redis-limiter.ts). */
export interface BatcherParts {
  readonly settings: {
    readonly budgetMs: number;
    readonly maxWaitMs: number;
    readonly maxBatchSize: number;
    readonly maxInFlight: number;
    /** How long a check that found the quota spent but leased elsewhere waits for settling. */
    readonly settleWaitMs: number;
  };
  readonly transport: LimiterTransport;
  readonly policy: LimiterFailurePolicy;
  readonly leases: LeaseBook;
  readonly metrics: LimiterMetrics;
  /**
   * The restore marker a call of the checks in `slot` must carry, else null (limiter-peers.ts);
   * on a cluster each slot has its own.
   */
  readonly restoreGuardKey: (slot: number) => string | null;
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
  readonly #maxWaitMs: number;
  readonly #maxBatchSize: number;
  readonly #maxInFlight: number;
  readonly #transport: LimiterTransport;
  readonly #policy: LimiterFailurePolicy;
  readonly #leases: LeaseBook;
  readonly #metrics: LimiterMetrics;
  readonly #restoreGuardKey: (slot: number) => string | null;
  readonly #answers: BatchAnswers;
  /** Checks queued or sent to Redis whose call has not replied or failed yet. */
  #inFlight = 0;
  /** Batches flushed while the first connection was still being made: sent once it is ready. */
  #parked: CheckBatch[] = [];
  /** The batch new checks join; null once flushed. */
  #filling: CheckBatch | null = null;
  /** Batches of this turn, in order, waiting for the flush. */
  #queued: CheckBatch[] = [];
  #flushScheduled = false;
  // Bound once, so the timers of every batch share them.
  readonly #flush = () => this.#flushQueued();
  readonly #ceiling = (batch: CheckBatch) => this.#ceilingReached(batch);
  readonly #settleWaitMs: number;
  readonly #settlePollMs: number;
  readonly #askAgain: AskAgain = (req, keys, waiter, refusal) =>
    this.#askAgainAfterSettling(req, keys, waiter, refusal);

  constructor(parts: BatcherParts) {
    this.#maxWaitMs = parts.settings.maxWaitMs;
    this.#maxBatchSize = parts.settings.maxBatchSize;
    this.#maxInFlight = parts.settings.maxInFlight;
    this.#transport = parts.transport;
    this.#policy = parts.policy;
    this.#leases = parts.leases;
    this.#metrics = parts.metrics;
    this.#restoreGuardKey = parts.restoreGuardKey;
    this.#settleWaitMs = parts.settings.settleWaitMs;
    this.#settlePollMs = Math.max(5, Math.ceil(parts.settings.settleWaitMs / 30));
    this.#answers = new BatchAnswers(parts.settings.budgetMs, parts, this.#askAgain);
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

  #startBatch(nowArg: string): CheckBatch {
    const batch = emptyBatch(nowArg);
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

  /** Decides every still-undecided check at `positions` (null: the whole batch) without Redis. */
  #decideWithoutRedis(
    batch: CheckBatch,
    positions: readonly number[] | null,
    cause: UnavailableCause,
  ): void {
    const count = callSize(batch, positions);
    for (let j = 0; j < count; j++) {
      const i = positions === null ? j : itemAt(positions, j);
      const waiter = claimWaiter(batch, i);
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
  #ceilingReached(batch: CheckBatch): void {
    batch.timer = undefined;
    if (batch.undecided === 0) return;
    // However many checks the batch carried, it is one failed round trip for the breaker.
    this.#policy.breaker.failed();
    this.#decideWithoutRedis(batch, null, 'timeout');
  }

  #send(batch: CheckBatch): void {
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
  #sendCall(conn: LimiterConnection, batch: CheckBatch, positions: readonly number[] | null): void {
    // Every check of a call shares its slot (one call per slot on a cluster; 0 otherwise).
    const slot = itemAt(batch.keys, positions === null ? 0 : itemAt(positions, 0)).slot;
    const args = checkArgs(batch, positions, this.#restoreGuardKey(slot));
    this.#metrics.redisCalls += 1;
    this.#transport.call(conn, LIMITER_BATCH_COMMAND, args).then(
      (reply) => this.#replied(batch, positions, reply),
      () => this.#failed(batch, positions),
    );
  }

  #replied(batch: CheckBatch, positions: readonly number[] | null, reply: unknown): void {
    const count = callSize(batch, positions);
    const policy = this.#policy;
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
    // The call was answered: Redis is up, however long the reply took.
    policy.breaker.succeeded();
    const refunds = this.#answers.deliver(batch, positions, values);
    if (refunds !== null) void this.#transport.sendRefunds(refunds);
    // Redis answers again: what was admitted here meanwhile goes to its counters.
    if (policy.failOpen.hasPendingCharges) this.scheduleFlush();
  }

  /**
   * A check found its quota spent while other processes still hold leased admissions of it,
   * which they may give back unused: asked again every poll interval until they are settled,
   * then decided as Redis says, or refused on its quota after `settleWaitMs`. Only checks at the
   * very end of a quota take this path, so the wrapper and timer it allocates stay off the
   * common one.
   */
  #askAgainAfterSettling(
    req: LimitCheck,
    keys: SubjectKeys,
    waiter: LimitWaiter,
    refusal: LimitDecision,
  ): void {
    const now = performance.now();
    const settling =
      waiter instanceof SettlingWaiter
        ? waiter
        : new SettlingWaiter(waiter, now + this.#settleWaitMs);
    if (now >= settling.deadline || this.#transport.closed) {
      deliver(settling.waiter, refusal, this.#metrics);
      return;
    }
    this.#metrics.leaseSettleWaits += 1;
    setTimeout(() => {
      if (this.#transport.closed) deliver(settling.waiter, refusal, this.#metrics);
      else this.enqueue(req, keys, settling, 1);
    }, this.#settlePollMs);
  }

  #failed(batch: CheckBatch, positions: readonly number[] | null): void {
    const count = callSize(batch, positions);
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

/** The waiter of a check asked again after leases settle, with when it stops waiting. */
class SettlingWaiter implements LimitWaiter {
  constructor(
    readonly waiter: LimitWaiter,
    readonly deadline: number,
  ) {}

  onLimitDecision(decision: LimitDecision): void {
    this.waiter.onLimitDecision(decision);
  }
}
