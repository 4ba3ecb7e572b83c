import type { Quota, RateLimit } from '@portico/config';
import type { LimitCheck, LimitDecision, LimitOutcome } from './limiter-types.js';

/**
 * Response headers and problem details for limit decisions, following the IETF httpapi
 * "RateLimit header fields for HTTP" draft (-08 and later): both fields are Structured Field
 * lists with one item per policy. `RateLimit-Policy: "rate";q=1000;w=3600, "quota";q=50000;w=86400`
 * states the policies; `RateLimit: "rate";r=999;t=4, "quota";r=49999;t=71000` states what remains
 * (`r`) and the seconds until the policy's window fully resets (`t`).
 */

export const RATE_POLICY_NAME = 'rate';
export const QUOTA_POLICY_NAME = 'quota';

const PERIOD_SECONDS: Record<RateLimit['per'], number> = { second: 1, minute: 60, hour: 3600 };

/** Milliseconds in one rate-limit period. */
export function ratePeriodMs(per: RateLimit['per']): number {
  return PERIOD_SECONDS[per] * 1000;
}

// Policy items only change with the config snapshot, so they are built once per limit object.
const ratePolicyCache = new WeakMap<RateLimit, string>();

/** `"rate";q=1000;w=3600` */
export function ratePolicyItem(rateLimit: RateLimit): string {
  let item = ratePolicyCache.get(rateLimit);
  if (item === undefined) {
    item = `"${RATE_POLICY_NAME}";q=${rateLimit.requests};w=${PERIOD_SECONDS[rateLimit.per]}`;
    ratePolicyCache.set(rateLimit, item);
  }
  return item;
}

const quotaPolicyCache = new WeakMap<Quota, { windowMs: number; item: string }>();

/** `"quota";q=50000;w=2592000` — a calendar month's window is that month's length. */
export function quotaPolicyItem(quota: Quota, windowMs: number): string {
  const cached = quotaPolicyCache.get(quota);
  if (cached !== undefined && cached.windowMs === windowMs) return cached.item;
  const item = `"${QUOTA_POLICY_NAME}";q=${quota.requests};w=${Math.round(windowMs / 1000)}`;
  quotaPolicyCache.set(quota, { windowMs, item });
  return item;
}

function seconds(ms: number): number {
  return ms <= 0 ? 0 : Math.ceil(ms / 1000);
}

function isoSeconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function policyHeader(req: LimitCheck, quotaWindowMs: number): string {
  const { rateLimit, quota } = req;
  if (rateLimit !== null && quota !== null) {
    return `${ratePolicyItem(rateLimit)}, ${quotaPolicyItem(quota, quotaWindowMs)}`;
  }
  if (rateLimit !== null) return ratePolicyItem(rateLimit);
  if (quota !== null) return quotaPolicyItem(quota, quotaWindowMs);
  return '';
}

/** Turns an evaluation into the decision, headers and problem detail the gateway sends. */
export function decisionFromOutcome(req: LimitCheck, o: LimitOutcome): LimitDecision {
  return limitDecision(
    req,
    o.allowed,
    o.reasonCode,
    o.rateRemaining,
    o.rateResetMs,
    o.quotaRemaining,
    o.quotaResetMs,
    o.retryAfterMs,
    o.quotaWindowMs,
    o.nowMs,
  );
}

/**
 * `decisionFromOutcome` from the numbers themselves, so the Redis path can build decisions
 * straight from the script's reply array without an outcome object per check.
 */
export function limitDecision(
  req: LimitCheck,
  allowed: boolean,
  reasonCode: number,
  rateRemaining: number,
  rateResetMs: number,
  quotaRemaining: number,
  quotaResetMs: number,
  retryAfterMs: number,
  quotaWindowMs: number,
  nowMs: number,
): LimitDecision {
  const { rateLimit, quota } = req;
  const headers: Record<string, string> = {
    'RateLimit-Policy': policyHeader(req, quotaWindowMs),
  };
  const rateItem =
    rateLimit === null ? '' : `"${RATE_POLICY_NAME}";r=${rateRemaining};t=${seconds(rateResetMs)}`;
  const quotaItem =
    quota === null ? '' : `"${QUOTA_POLICY_NAME}";r=${quotaRemaining};t=${seconds(quotaResetMs)}`;
  headers.RateLimit =
    rateItem !== '' && quotaItem !== '' ? `${rateItem}, ${quotaItem}` : rateItem + quotaItem;
  if (allowed) {
    return { allowed: true, reason: null, headers, retryAfterSeconds: null, detail: null };
  }
  const retryAfterSeconds = Math.max(1, seconds(retryAfterMs));
  headers['Retry-After'] = String(retryAfterSeconds);
  const resetAt = isoSeconds(nowMs + retryAfterMs);
  if (reasonCode === 2 && quota !== null) {
    return {
      allowed: false,
      reason: 'quota',
      headers,
      retryAfterSeconds,
      detail: `Quota of ${quota.requests} requests per ${quota.per} (UTC) is used up; it resets at ${resetAt}.`,
    };
  }
  const limit = rateLimit === null ? '' : ` of ${rateLimit.requests} requests per ${rateLimit.per}`;
  return {
    allowed: false,
    reason: 'rate_limit',
    headers,
    retryAfterSeconds,
    detail: `Rate limit${limit} exceeded; retry in ${retryAfterSeconds} s (at ${resetAt}).`,
  };
}

/** Seconds a fail-closed caller is told to wait: the limiter store is expected back soon. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** Decision when Redis cannot answer within the budget and the plan fails closed. */
export function unavailableDecision(
  req: LimitCheck,
  nowMs: number,
  quotaWindowMs: number,
): LimitDecision {
  const headers: Record<string, string> = {
    'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
  };
  const policy = policyHeader(req, quotaWindowMs);
  if (policy !== '') headers['RateLimit-Policy'] = policy;
  return {
    allowed: false,
    reason: 'unavailable',
    headers,
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
    detail: `The rate limiter could not answer in time and this plan fails closed; retry after ${isoSeconds(
      nowMs + UNAVAILABLE_RETRY_AFTER_SECONDS * 1000,
    )}.`,
  };
}
