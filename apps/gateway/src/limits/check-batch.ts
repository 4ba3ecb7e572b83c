import type { CheckColumns } from './limiter-script-calls.js';
import type { LimitCheck, LimitWaiter } from './limiter-types.js';
import type { SubjectKeys } from './subject-keys.js';

/**
 * The checks submitted during one event-loop turn (at most `maxBatchSize`): sent to Redis
 * together and bounded by one ceiling timer (`maxWaitMs`), started with the first of them so that
 * none waits longer. Parallel arrays, so a check costs three array slots, not an object.
 */
export interface CheckBatch extends CheckColumns {
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

export function emptyBatch(nowArg: string): CheckBatch {
  return {
    reqs: [],
    keys: [],
    waiters: [],
    wants: [],
    nowArg,
    undecided: 0,
    timer: undefined,
    startedAt: performance.now(),
  };
}

/** How many checks a call carries: those at `positions`, or (null) the whole batch. */
export function callSize(batch: CheckBatch, positions: readonly number[] | null): number {
  return positions === null ? batch.reqs.length : positions.length;
}

/**
 * Claims check `i`'s waiter for its one decision; null when it was already decided. The last
 * claim stops the batch's ceiling timer.
 */
export function claimWaiter(batch: CheckBatch, i: number): LimitWaiter | null {
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
