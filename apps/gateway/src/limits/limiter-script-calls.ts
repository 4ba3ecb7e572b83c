import type { Quota, RateLimit } from '@portico/config';
import type { Charge } from './bounded-fail-open.js';
import { ARGV_STRIDE, REPLY, REPLY_STRIDE } from './limiter-script.js';
import type { LimitCheck, LimitDecision } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { limitDecision, ratePeriodMs } from './rate-limit-headers.js';
import type { Refund, SubjectKeys } from './subject-keys.js';

/**
 * The checks of one call as parallel arrays (a batch, limiter-batcher.ts): a check costs three
 * array slots, not an object.
 */
export interface CheckColumns {
  readonly reqs: readonly LimitCheck[];
  readonly keys: readonly SubjectKeys[];
  /** Admissions each check asks for: 1, more for a lease, negative for a refill. */
  readonly wants: readonly number[];
  /** ARGV[1] of the script: the injected clock's whole ms, or '' for Redis TIME. */
  readonly nowArg: string;
}

/** `items[index]` for indices the caller knows are in range (the batch arrays' own positions). */
export function itemAt<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new RangeError(`limiter batch position ${index} out of range`);
  return item;
}

/**
 * Writes check `j`'s two keys and the limits both scripts take in the same places; returns where
 * its ARGV values start, for the two that differ.
 */
function putKeysAndLimits(
  args: Array<string | number>,
  argv: number,
  j: number,
  keys: SubjectKeys,
  limits: { readonly rateLimit: RateLimit | null; readonly quota: Quota | null },
): number {
  const { rateLimit, quota } = limits;
  args[1 + 2 * j] = keys.rateKey;
  args[2 + 2 * j] = quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey;
  const a = argv + 1 + ARGV_STRIDE * j;
  args[a] = rateLimit === null ? 0 : rateLimit.requests;
  args[a + 1] = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
  args[a + 2] = quota === null ? 0 : quota.requests;
  return a;
}

/**
 * Arguments of the check script for the checks at `positions` (null: all of them): numkeys,
 * 2 keys per check (after the restore marker's key when `guardKey` is set), ARGV[1] now, then
 * ARGV_STRIDE per check (limiter-script.ts).
 */
export function checkArgs(
  checks: CheckColumns,
  positions: readonly number[] | null,
  guardKey: string | null,
): Array<string | number> {
  const count = positions === null ? checks.reqs.length : positions.length;
  const guard = guardKey === null ? 0 : 1;
  const args = new Array<string | number>(2 + guard + (2 + ARGV_STRIDE) * count);
  args[0] = 2 * count + guard;
  const argv = 1 + 2 * count + guard;
  if (guardKey !== null) args[argv - 1] = guardKey;
  args[argv] = checks.nowArg;
  for (let j = 0; j < count; j++) {
    const i = positions === null ? j : itemAt(positions, j);
    const req = itemAt(checks.reqs, i);
    const a = putKeysAndLimits(args, argv, j, itemAt(checks.keys, i), req);
    args[a + 3] = req.quota === null ? '' : req.quota.per;
    args[a + 4] = Math.abs(itemAt(checks.wants, i));
  }
  return args;
}

/**
 * Arguments of the refund script (limiter-refund-script.ts): the same keys and limits as the
 * check script, the start of the quota period each refund was counted in, and its count.
 */
export function refundArgs(refunds: readonly Refund[], nowArg: string): Array<string | number> {
  const count = refunds.length;
  const args = new Array<string | number>(2 + (2 + ARGV_STRIDE) * count);
  args[0] = 2 * count;
  const argv = 1 + 2 * count;
  args[argv] = nowArg;
  for (let j = 0; j < count; j++) {
    const refund = itemAt(refunds, j);
    const a = putKeysAndLimits(args, argv, j, refund.keys, refund);
    args[a + 3] =
      refund.quota === null ? '' : quotaPeriodAt(refund.countedAtMs, refund.quota.per).startMs;
    args[a + 4] = refund.count;
  }
  return args;
}

/** Arguments of the charge script (limiter-charge-script.ts). */
export function chargeArgs(charges: readonly Charge[], nowArg: string): Array<string | number> {
  const args: Array<string | number> = [charges.length];
  for (const c of charges) args.push(c.quotaKey);
  args.push(nowArg);
  for (const c of charges) args.push(c.startMs, c.endMs, c.count);
  return args;
}

/** The script's reply, if it has the shape of `count` checks (see limiter-script.ts). */
export function replyNumbers(reply: unknown, count: number): number[] | null {
  if (!Array.isArray(reply) || reply.length !== 1 + REPLY_STRIDE * count) return null;
  return reply as number[];
}

/** The script's answer that Redis lost the counters and they are not restored yet. */
export function isRestoringReply(reply: unknown): boolean {
  return Array.isArray(reply) && reply.length === 2 && reply[1] === -1;
}

/** The decision for the check whose values start at `offset` in the script's reply. */
export function decisionFromReply(
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
