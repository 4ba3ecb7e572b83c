import type { LimiterOptions } from './limiter-types.js';

/**
 * Each whole-number option's default and largest value (the smallest is always 1). The bounds
 * keep a typo from becoming a limiter that never waits, or one that holds a request for hours.
 */
const INTEGER_OPTIONS = {
  budgetMs: { fallback: 50, max: 60_000 },
  maxWaitMs: { fallback: 1_000, max: 60_000 },
  maxBatchSize: { fallback: 512, max: 4_096 },
  maxInFlight: { fallback: 10_000, max: 1_000_000 },
  maxLocalEntries: { fallback: 10_000, max: 10_000_000 },
  openCircuitAfterFailures: { fallback: 5, max: 1_000_000 },
  circuitCooldownMs: { fallback: 1_000, max: 3_600_000 },
  maxLease: { fallback: 1, max: 4_096 },
  leaseMs: { fallback: 200, max: 60_000 },
  peersIntervalMs: { fallback: 1_000, max: 60_000 },
} as const;

type IntegerOption = keyof typeof INTEGER_OPTIONS;

/** Extra wait for leases to settle when their holder is busy (see `settleWaitMs`). */
const SETTLE_SLACK_MS = 3_000;

/** The limiter's options with every default filled in and every bound checked. */
export type LimiterSettings = Readonly<Record<IntegerOption, number>> & {
  readonly keyPrefix: string;
  readonly requireRestoreMarker: boolean;
  /**
   * How long a check at a spent quota waits for leases elsewhere to settle: a lease expires
   * unused after `leaseMs`, its holder's sweep finds it within another, and its refund is one
   * call away (at most `maxWaitMs`); plus slack for a holder whose event loop is starved, which
   * is when leases end unused in the first place.
   */
  readonly settleWaitMs: number;
  /** The injected clock, also passed to Redis; undefined: Redis TIME. */
  readonly injectedNow: (() => number) | undefined;
};

function positiveInteger(opts: LimiterOptions, name: IntegerOption): number {
  const { fallback, max } = INTEGER_OPTIONS[name];
  const chosen = opts[name] ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > max) {
    throw new RangeError(
      `createLimiter: ${name} must be an integer from 1 to ${max}, got ${chosen}`,
    );
  }
  return chosen;
}

/**
 * Checks the options once, when the limiter is built, so a misconfiguration fails at boot rather
 * than per request.
 */
export function limiterSettings(opts: LimiterOptions): LimiterSettings {
  if (!/^[^{}\s]{1,100}$/.test(opts.keyPrefix)) {
    throw new RangeError(
      `createLimiter: keyPrefix must be 1-100 characters without braces or spaces (it sits inside a Redis Cluster hash tag), got ${JSON.stringify(opts.keyPrefix)}`,
    );
  }
  const leaseMs = positiveInteger(opts, 'leaseMs');
  const maxWaitMs = positiveInteger(opts, 'maxWaitMs');
  return {
    keyPrefix: opts.keyPrefix,
    settleWaitMs: 2 * leaseMs + maxWaitMs + SETTLE_SLACK_MS,
    budgetMs: positiveInteger(opts, 'budgetMs'),
    maxWaitMs,
    maxBatchSize: positiveInteger(opts, 'maxBatchSize'),
    maxInFlight: positiveInteger(opts, 'maxInFlight'),
    maxLocalEntries: positiveInteger(opts, 'maxLocalEntries'),
    openCircuitAfterFailures: positiveInteger(opts, 'openCircuitAfterFailures'),
    circuitCooldownMs: positiveInteger(opts, 'circuitCooldownMs'),
    maxLease: positiveInteger(opts, 'maxLease'),
    leaseMs,
    peersIntervalMs: positiveInteger(opts, 'peersIntervalMs'),
    requireRestoreMarker: opts.requireRestoreMarker === true,
    injectedNow: opts.now,
  };
}
