import type { Quota, RateLimit } from '@portico/config';
import { describe, expect, it } from 'vitest';
import type { Charge } from './bounded-fail-open.js';
import { REPLY_STRIDE } from './limiter-script.js';
import {
  chargeArgs,
  checkArgs,
  isRestoringReply,
  refundArgs,
  replyNumbers,
} from './limiter-script-calls.js';
import type { LimitCheck } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { SubjectKeyCache } from './subject-keys.js';

const cache = new SubjectKeyCache('unit', 16, false);
const rateLimit: RateLimit = { requests: 100, per: 'minute' };
const monthly: Quota = { requests: 5_000, per: 'month' };
const a = cache.get('pln_1', 'con_a');
const b = cache.get('pln_1', 'con_b');
const check = (over: Partial<LimitCheck>): LimitCheck => ({
  planId: 'pln_1',
  subject: 'con_a',
  rateLimit: null,
  quota: null,
  failurePolicy: 'closed',
  ...over,
});
const columns = {
  reqs: [check({ rateLimit }), check({ subject: 'con_b', quota: monthly })],
  keys: [a, b],
  wants: [1, -40],
  nowArg: '',
};

describe('checkArgs', () => {
  it('lays out numkeys, three keys per check, now, then five values per check', () => {
    expect(checkArgs(columns, null, null)).toEqual([
      6,
      a.rateKey,
      a.quotaDayKey,
      a.leasedKey,
      b.rateKey,
      b.quotaMonthKey,
      b.leasedKey,
      '',
      ...[100, 60_000, 0, '', 1],
      // A refill's want stays negative: the script leases all it grants.
      ...[0, 0, 5_000, 'month', -40],
    ]);
  });

  it('carries the restore marker as the last key and sends only the checks at positions', () => {
    expect(checkArgs(columns, [1], '{unit}:epoch')).toEqual([
      4,
      b.rateKey,
      b.quotaMonthKey,
      b.leasedKey,
      '{unit}:epoch',
      '',
      ...[0, 0, 5_000, 'month', -40],
    ]);
  });
});

describe('refundArgs', () => {
  it('names the start of the quota period each refund was counted in, and what it settles', () => {
    const countedAtMs = Date.UTC(2026, 1, 28, 23, 59);
    expect(
      refundArgs(
        [{ keys: b, rateLimit, quota: monthly, count: 7, settle: 12, countedAtMs }],
        '1772323200000',
      ),
    ).toEqual([
      3,
      b.rateKey,
      b.quotaMonthKey,
      b.leasedKey,
      '1772323200000',
      ...[100, 60_000, 5_000, quotaPeriodAt(countedAtMs, 'month').startMs, 7, 12],
    ]);
  });
});

describe('chargeArgs', () => {
  it('lists the quota keys, now, then period bounds and count per charge', () => {
    const charges: Charge[] = [
      { state: a, quotaKey: a.quotaDayKey, startMs: 10, endMs: 20, count: 3 },
      { state: b, quotaKey: b.quotaMonthKey, startMs: 30, endMs: 40, count: 1 },
    ];
    expect(chargeArgs(charges, '')).toEqual([
      2,
      a.quotaDayKey,
      b.quotaMonthKey,
      '',
      ...[10, 20, 3],
      ...[30, 40, 1],
    ]);
  });
});

describe('reading the reply', () => {
  it('accepts only a reply with the values of every check it was sent', () => {
    const reply = new Array<number>(1 + 2 * REPLY_STRIDE).fill(0);
    expect(replyNumbers(reply, 2)).toBe(reply);
    expect(replyNumbers(reply, 1)).toBeNull();
    expect(replyNumbers('OK', 2)).toBeNull();
  });

  it('recognises the answer of a Redis whose counters are not restored yet', () => {
    expect(isRestoringReply([1_700_000_000_000, -1])).toBe(true);
    expect(isRestoringReply([1_700_000_000_000, 0])).toBe(false);
    expect(isRestoringReply(new Array<number>(1 + REPLY_STRIDE).fill(-1))).toBe(false);
  });
});
