import { describe, expect, it } from 'vitest';
import type { LimitCheck, LimitOutcome } from './limiter-types.js';
import { decisionFromOutcome, unavailableDecision } from './rate-limit-headers.js';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function outcome(over: Partial<LimitOutcome>): LimitOutcome {
  return {
    allowed: true,
    reasonCode: 0,
    rateRemaining: 0,
    rateResetMs: 0,
    quotaRemaining: 0,
    quotaResetMs: 0,
    retryAfterMs: 0,
    quotaWindowMs: 86_400_000,
    nowMs: NOW,
    ...over,
  };
}

const both: LimitCheck = {
  planId: 'pln_1',
  subject: 'con_1',
  rateLimit: { requests: 1000, per: 'hour' },
  quota: { requests: 50_000, per: 'day' },
  failurePolicy: 'open',
};

describe('RateLimit headers (IETF httpapi draft)', () => {
  it('lists both policies and what remains of each on an admitted request', () => {
    const decision = decisionFromOutcome(
      both,
      outcome({
        rateRemaining: 999,
        rateResetMs: 3_600,
        quotaRemaining: 49_999,
        quotaResetMs: 50_400_000,
      }),
    );
    expect(decision).toEqual({
      allowed: true,
      reason: null,
      headers: {
        'RateLimit-Policy': '"rate";q=1000;w=3600, "quota";q=50000;w=86400',
        RateLimit: '"rate";r=999;t=4, "quota";r=49999;t=50400',
      },
      retryAfterSeconds: null,
      detail: null,
    });
  });

  it('names only the rate policy when the plan has no quota', () => {
    const decision = decisionFromOutcome(
      { ...both, quota: null, rateLimit: { requests: 10, per: 'second' } },
      outcome({ rateRemaining: 9, rateResetMs: 100 }),
    );
    expect(decision.headers).toEqual({
      'RateLimit-Policy': '"rate";q=10;w=1',
      RateLimit: '"rate";r=9;t=1',
    });
  });

  it('names only the quota policy, with the month length as its window, when the plan has no rate limit', () => {
    const decision = decisionFromOutcome(
      { ...both, rateLimit: null, quota: { requests: 100, per: 'month' } },
      outcome({ quotaRemaining: 7, quotaResetMs: 86_400_000, quotaWindowMs: 28 * 86_400_000 }),
    );
    expect(decision.headers).toEqual({
      'RateLimit-Policy': '"quota";q=100;w=2419200',
      RateLimit: '"quota";r=7;t=86400',
    });
  });

  it('adds Retry-After, rounded up to whole seconds, and a detail naming the rate limit on denial', () => {
    const decision = decisionFromOutcome(
      both,
      outcome({
        allowed: false,
        reasonCode: 1,
        rateResetMs: 3_600_000,
        retryAfterMs: 2_001,
        quotaRemaining: 10,
      }),
    );
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('rate_limit');
    expect(decision.retryAfterSeconds).toBe(3);
    expect(decision.headers['Retry-After']).toBe('3');
    expect(decision.detail).toBe(
      'Rate limit of 1000 requests per hour exceeded; retry in 3 s (at 2026-11-22T10:00:03Z).',
    );
  });

  it('says when the quota resets on a quota denial, and never advertises Retry-After: 0', () => {
    const decision = decisionFromOutcome(
      both,
      outcome({ allowed: false, reasonCode: 2, retryAfterMs: 1, quotaResetMs: 1 }),
    );
    expect(decision.reason).toBe('quota');
    expect(decision.headers['Retry-After']).toBe('1');
    expect(decision.detail).toBe(
      'Quota of 50000 requests per day (UTC) is used up; it resets at 2026-11-22T10:00:01Z.',
    );
  });

  it('answers a fail-closed outage with Retry-After and the policy, but no remaining counts', () => {
    const decision = unavailableDecision(both, NOW, 86_400_000);
    expect(decision).toEqual({
      allowed: false,
      reason: 'unavailable',
      headers: {
        'Retry-After': '1',
        'RateLimit-Policy': '"rate";q=1000;w=3600, "quota";q=50000;w=86400',
      },
      retryAfterSeconds: 1,
      detail:
        'The rate limiter could not answer in time and this plan fails closed; retry after 2026-11-22T10:00:01Z.',
    });
  });
});
