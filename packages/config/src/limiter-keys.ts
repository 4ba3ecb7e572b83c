/**
 * Redis key layout of the gateway's rate limiter and quota counter: the contract between the
 * gateway (which writes the keys) and the control plane (which reads the live quota counter).
 * Both build keys only through these functions, so the two cannot drift apart.
 *
 * `{<prefix>:<planId>:<subject>}` is a Redis Cluster hash tag: every key of one subject sits in
 * one slot, which the limiter's single Lua script needs. The subject is the consumer id, or
 * `ip:<address>` for anonymous traffic.
 */

/** The prefix the gateway uses in production. */
export const LIMITER_KEY_PREFIX = 'portico:rl';

export type QuotaCounterPeriod = 'day' | 'month';

/**
 * The restore marker: present while Redis holds every quota counter of the current periods.
 * The worker writes it after re-seeding counters from the usage rollups (at boot, and whenever
 * it finds it gone: a Redis restart that lost its data, a FLUSHALL); gateways that have seen it
 * refuse to count from zero while it is missing (limiter-script.ts).
 */
export function limiterEpochKey(prefix: string): string {
  return `{${prefix}}:epoch`;
}

/** The hash tag shared by every limiter key of one (plan, subject). */
export function limiterKeyTag(prefix: string, planId: string, subject: string): string {
  return `{${prefix}:${planId}:${subject}}`;
}

/** Key of the GCRA rate-limit state. */
export function rateLimitKey(prefix: string, planId: string, subject: string): string {
  return `${limiterKeyTag(prefix, planId, subject)}:rl`;
}

/**
 * Key of the subject's leased admissions not yet settled: admissions Redis counted ahead for a
 * gateway process's lease that the process has neither used up nor given back. While any are
 * out, a check that finds the quota spent waits for them instead of refusing, so a lease that
 * ends unused elsewhere cannot leave a request refused under a quota that is not used up.
 */
export function leasedAdmissionsKey(prefix: string, planId: string, subject: string): string {
  return `${limiterKeyTag(prefix, planId, subject)}:leased`;
}

/**
 * Key of the quota counter. Its value is `"<periodStartMs>:<periodEndMs>:<count>"` (see
 * `parseQuotaCounter`); it expires at the end of its period.
 */
export function quotaCounterKey(
  prefix: string,
  planId: string,
  subject: string,
  period: QuotaCounterPeriod,
): string {
  return `${limiterKeyTag(prefix, planId, subject)}:q:${period}`;
}

export interface QuotaCounterValue {
  startMs: number;
  endMs: number;
  count: number;
}

/** Reads a stored quota counter; null for anything not in the limiter's format. */
export function parseQuotaCounter(raw: string | null): QuotaCounterValue | null {
  if (raw === null) return null;
  const match = /^(\d+):(\d+):(\d+)$/.exec(raw);
  if (match === null) return null;
  const [startMs, endMs, count] = match.slice(1).map(Number) as [number, number, number];
  if (!(endMs > startMs)) return null;
  return { startMs, endMs, count };
}

/** Writes a value in the limiter's format (the Lua script writes the same string). */
export function formatQuotaCounter(value: QuotaCounterValue): string {
  return `${value.startMs}:${value.endMs}:${value.count}`;
}
