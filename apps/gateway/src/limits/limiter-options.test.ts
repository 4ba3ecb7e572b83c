import { describe, expect, it } from 'vitest';
import { limiterSettings } from './limiter-options.js';

describe('limiterSettings', () => {
  it('fills in the defaults', () => {
    expect(limiterSettings({ redis: null, keyPrefix: 'p' })).toEqual({
      keyPrefix: 'p',
      budgetMs: 50,
      maxWaitMs: 1_000,
      maxBatchSize: 512,
      maxInFlight: 10_000,
      maxLocalEntries: 10_000,
      openCircuitAfterFailures: 5,
      circuitCooldownMs: 1_000,
      maxLease: 1,
      leaseMs: 200,
      peersIntervalMs: 1_000,
      // Two lease periods and one ceiling (the lease expires, the sweep finds it, the refund
      // lands), and 3 s for a holder whose event loop is starved.
      settleWaitMs: 4_400,
      requireRestoreMarker: false,
      injectedNow: undefined,
    });
  });

  it('accepts each bound and refuses one past it, naming the option', () => {
    expect(limiterSettings({ redis: null, keyPrefix: 'p', maxLease: 4_096 }).maxLease).toBe(4_096);
    expect(() => limiterSettings({ redis: null, keyPrefix: 'p', maxLease: 4_097 })).toThrow(
      'createLimiter: maxLease must be an integer from 1 to 4096, got 4097',
    );
    expect(() => limiterSettings({ redis: null, keyPrefix: 'p', peersIntervalMs: 0 })).toThrow(
      'createLimiter: peersIntervalMs must be an integer from 1 to 60000, got 0',
    );
    expect(() =>
      limiterSettings({ redis: null, keyPrefix: 'p', openCircuitAfterFailures: 1.5 }),
    ).toThrow('openCircuitAfterFailures');
  });
});
