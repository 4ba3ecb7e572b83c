import type { Quota, RateLimit } from '@portico/config';
import type { Charge } from './bounded-fail-open.js';
import { REFUND_ARGV_STRIDE } from './limiter-refund-script.js';
import { ARGV_STRIDE, KEYS_PER_CHECK, REPLY, REPLY_STRIDE } from './limiter-script.js';
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
 * Writes check `j`'s three keys and the limits both scripts take in the same places (`stride`
 * ARGV values per item); returns where its ARGV values start, for the ones that differ.
 */
function putKeysAndLimits(
  args: Array<string | number>,
  argv: number,
  j: number,
  stride: number,
  keys: SubjectKeys,
  limits: { readonly rateLimit: RateLimit | null; readonly quota: Quota | null },
): number {
  const { rateLimit, quota } = limits;
  const k = KEYS_PER_CHECK * j;
  args[1 + k] = keys.rateKey;
  args[2 + k] = quota?.per === 'month' ? keys.quotaMonthKey : keys.quotaDayKey;
  args[3 + k] = keys.leasedKey;
  const a = argv + 1 + stride * j;
  args[a] = rateLimit === null ? 0 : rateLimit.requests;
  args[a + 1] = rateLimit === null ? 0 : ratePeriodMs(rateLimit.per);
  args[a + 2] = quota === null ? 0 : quota.requests;
  return a;
}

/**
 * Arguments of the check script for the checks at `positions` (null: all of them): numkeys,
 * KEYS_PER_CHECK keys per check (then the restore marker's key when `guardKey` is set), ARGV[1]
 * now, then ARGV_STRIDE per check (limiter-script.ts).
 */
export function checkArgs(
  checks: CheckColumns,
  positions: readonly number[] | null,
  guardKey: string | null,
): Array<string | number> {
  const count = positions === null ? checks.reqs.length : positions.length;
  const guard = guardKey === null ? 0 : 1;
  const args = new Array<string | number>(2 + guard + (KEYS_PER_CHECK + ARGV_STRIDE) * count);
  args[0] = KEYS_PER_CHECK * count + guard;
  const argv = 1 + KEYS_PER_CHECK * count + guard;
  if (guardKey !== null) args[argv - 1] = guardKey;
  args[argv] = checks.nowArg;
  for (let j = 0; j < count; j++) {
    const i = positions === null ? j : itemAt(positions, j);
    const req = itemAt(checks.reqs, i);
    const a = putKeysAndLimits(args, argv, j, ARGV_STRIDE, itemAt(checks.keys, i), req);
    args[a + 3] = req.quota === null ? '' : req.quota.per;
    // Signed: a refill (negative) leases every admission it gets.
    args[a + 4] = itemAt(checks.wants, i);
  }
  return args;
}

/**
 * Arguments of the refund script (limiter-refund-script.ts): the same keys and limits as the
 * check script, the start of the quota period each refund was counted in, its count, and the
 * leased admissions it settles.
 */
export function refundArgs(refunds: readonly Refund[], nowArg: string): Array<string | number> {
  const count = refunds.length;
  const args = new Array<string | number>(2 + (KEYS_PER_CHECK + REFUND_ARGV_STRIDE) * count);
  args[0] = KEYS_PER_CHECK * count;
  const argv = 1 + KEYS_PER_CHECK * count;
  args[argv] = nowArg;
  for (let j = 0; j < count; j++) {
    const refund = itemAt(refunds, j);
    const a = putKeysAndLimits(args, argv, j, REFUND_ARGV_STRIDE, refund.keys, refund);
    args[a + 3] =
      refund.quota === null ? '' : quotaPeriodAt(refund.countedAtMs, refund.quota.per).startMs;
    args[a + 4] = refund.count;
    args[a + 5] = refund.settle;
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

/**
 * The decision for the check whose values start at `offset` in the script's reply; `asReason`
 * replaces the reply's reason (a check that waited for leases to settle is refused on its quota).
 */
export function decisionFromReply(
  req: LimitCheck,
  reply: readonly number[],
  offset: number,
  nowMs: number,
  asReason?: number,
): LimitDecision {
  const reasonCode = asReason ?? reply[offset + REPLY.reason] ?? 0;
  const quotaResetMs = reply[offset + REPLY.quotaResetMs] ?? 0;
  return limitDecision(
    req,
    reasonCode === 0,
    reasonCode,
    reply[offset + REPLY.rateRemaining] ?? 0,
    reply[offset + REPLY.rateResetMs] ?? 0,
    reply[offset + REPLY.quotaRemaining] ?? 0,
    quotaResetMs,
    asReason === 2 ? quotaResetMs : (reply[offset + REPLY.retryAfterMs] ?? 0),
    reply[offset + REPLY.quotaWindowMs] ?? 0,
    nowMs,
  );
}
