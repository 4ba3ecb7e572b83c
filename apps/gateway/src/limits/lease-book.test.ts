import type { Quota, RateLimit } from '@portico/config';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseBook } from './lease-book.js';
import { LimiterMetrics } from './limiter-metrics.js';
import { REPLY, REPLY_STRIDE } from './limiter-script.js';
import type { LimitCheck } from './limiter-types.js';
import { quotaPeriodAt } from './quota-period.js';
import { type Lease, SubjectKeyCache, type SubjectKeys } from './subject-keys.js';

const rateLimit: RateLimit = { requests: 1_000, per: 'hour' };
const quota: Quota = { requests: 10_000, per: 'day' };
const req: LimitCheck = {
  planId: 'pln_1',
  subject: 'con_1',
  rateLimit,
  quota,
  failurePolicy: 'closed',
};
const NOW_MS = Date.UTC(2026, 4, 14, 12);

/** One check's values in a script reply, as Redis would send them after granting a lease. */
function replyFor(values: { rateRemaining: number; quotaRemaining: number }): number[] {
  const reply = new Array<number>(1 + REPLY_STRIDE).fill(0);
  reply[0] = NOW_MS;
  reply[1 + REPLY.rateRemaining] = values.rateRemaining;
  reply[1 + REPLY.rateResetMs] = 3_600_000;
  reply[1 + REPLY.quotaRemaining] = values.quotaRemaining;
  reply[1 + REPLY.quotaResetMs] = 43_200_000;
  reply[1 + REPLY.quotaWindowMs] = 86_400_000;
  return reply;
}

const REPLY_VALUES = replyFor({ rateRemaining: 1, quotaRemaining: 1 });

/** Grants `tokens` to the test subject's lease, as a reply of Redis at `nowMs` would. */
function granted(book: LeaseBook, keys: SubjectKeys, tokens: number, nowMs = NOW_MS): Lease {
  const lease = book.grant(keys, req, tokens, REPLY_VALUES, 1, nowMs);
  if (lease === null) throw new Error('the lease book refused a grant');
  return lease;
}

const books: LeaseBook[] = [];
function setup(maxLease = 64) {
  const metrics = new LimiterMetrics();
  let flushes = 0;
  const book = new LeaseBook({ maxLease, leaseMs: 200 }, metrics, () => {
    flushes += 1;
  });
  books.push(book);
  const keys = new SubjectKeyCache('unit', 16, false).get(req.planId, req.subject);
  return { book, keys, metrics, flushes: () => flushes };
}

afterEach(() => {
  for (const book of books.splice(0)) book.close();
});

describe('LeaseBook.want: leases sized by demand', () => {
  it('asks for one admission while a subject is seen less than about twice per lease period', () => {
    const { book, keys } = setup();
    keys.demand = 1;
    expect(book.want(keys, 1_000)).toBe(1);
    // Measured over the whole period since demandSince (0): the count starts again.
    expect(keys.demand).toBe(0);
    expect(keys.demandSince).toBe(1_000);
  });

  it("asks for the subject's rate of checks times half a lease period", () => {
    const { book, keys } = setup();
    keys.demandSince = 1_000;
    keys.demand = 20;
    // 20 checks in 50 ms is 0.4 per ms; half of a 200 ms lease is 100 ms: 40 admissions.
    expect(book.want(keys, 1_050)).toBe(40);
    expect(keys.demand).toBe(0);
  });

  it('measures a burst within one turn over at least 5 ms and caps the lease at maxLease', () => {
    const { book, keys } = setup(64);
    keys.demandSince = 1_000;
    keys.demand = 3;
    // 3 checks over the 5 ms floor, times 100 ms: 60.
    expect(book.want(keys, 1_000)).toBe(60);
    keys.demand = 50;
    expect(book.want(keys, 1_000)).toBe(64);
  });
});

describe('LeaseBook: grants, admissions and leftovers', () => {
  it('hands out the granted admissions one by one, counting down the headers', () => {
    const { book, keys, metrics } = setup();
    const lease = book.grant(
      keys,
      req,
      4,
      replyFor({ rateRemaining: 900, quotaRemaining: 9_000 }),
      1,
      NOW_MS,
    );
    expect(lease).not.toBeNull();
    if (lease === null) return;
    expect(keys.lease).toBe(lease);
    expect(book.size).toBe(1);
    expect(metrics.leaseGranted).toBe(4);
    const now = performance.now();
    expect(book.take(lease, req, now)).toBe(true);
    // Redis's remaining at the grant plus the three admissions the lease still holds.
    expect(book.decision(req, lease).headers.RateLimit).toBe(
      '"rate";r=903;t=3600, "quota";r=9003;t=43200',
    );
    expect(book.halfUsed(lease)).toBe(false);
    expect(book.take(lease, req, now)).toBe(true);
    expect(book.halfUsed(lease)).toBe(true);
    expect(book.take(lease, req, now)).toBe(true);
    expect(book.hasReturns).toBe(false);
    expect(book.take(lease, req, now)).toBe(true);
    expect(metrics.leaseAdmissions).toBe(4);
    // Used up: retired at once, settling all four in Redis with nothing to give back.
    expect(keys.lease).toBeNull();
    expect(book.size).toBe(0);
    expect(book.takeReturns()).toEqual([
      { keys, rateLimit, quota, count: 0, settle: 4, countedAtMs: NOW_MS },
    ]);
    // The next request goes to Redis.
    expect(book.take(lease, req, now)).toBe(false);
    expect(book.hasReturns).toBe(false);
  });

  it("gives back what is left when the plan's limits change", () => {
    const { book, keys, metrics, flushes } = setup();
    const lease = granted(book, keys, 5);
    const changed = { ...req, rateLimit: { requests: 10, per: 'hour' as const } };
    expect(book.take(lease, changed, performance.now())).toBe(false);
    expect(metrics.leaseReturned).toBe(5);
    expect(flushes()).toBe(1);
    expect(book.takeReturns()).toEqual([
      { keys, rateLimit, quota, count: 5, settle: 5, countedAtMs: NOW_MS },
    ]);
    expect(book.hasReturns).toBe(false);
  });

  it('gives back leftovers of expired leases at the sweep, to the period they were counted in', () => {
    const { book, keys } = setup();
    const lease = granted(book, keys, 3);
    book.sweep(lease.expiresAt - 1);
    expect(book.size).toBe(1);
    book.sweep(lease.expiresAt);
    expect(book.size).toBe(0);
    expect(book.takeReturns().map((r) => [r.count, r.countedAtMs])).toEqual([[3, NOW_MS]]);
  });

  it('returns leftovers of an earlier quota period before adding a grant from the next one', () => {
    const { book, keys } = setup();
    granted(book, keys, 3);
    const tomorrow = quotaPeriodAt(NOW_MS, 'day').endMs + 1;
    const lease = granted(book, keys, 2, tomorrow);
    expect(lease.tokens).toBe(2);
    expect(book.size).toBe(1);
    expect(book.takeReturns().map((r) => [r.count, r.countedAtMs])).toEqual([[3, NOW_MS]]);
  });

  it('adds a grant of the same period to the lease the subject already holds', () => {
    const { book, keys } = setup();
    const first = granted(book, keys, 3);
    const second = granted(book, keys, 2, NOW_MS + 10);
    expect(second).toBe(first);
    expect(second.tokens).toBe(5);
    expect(second.size).toBe(5);
    expect(book.hasReturns).toBe(false);
  });

  it('gives back every leftover at close, and any admission granted after it', () => {
    const { book, keys, metrics } = setup();
    granted(book, keys, 3);
    book.close();
    expect(book.size).toBe(0);
    expect(book.grant(keys, req, 4, REPLY_VALUES, 1, NOW_MS)).toBeNull();
    expect(book.takeReturns().map((r) => [r.count, r.settle])).toEqual([
      [3, 3],
      [4, 4],
    ]);
    expect(metrics.leaseReturned).toBe(7);
    // Granted, then returned: granted minus returned stays the admissions the lease served.
    expect(metrics.leaseGranted).toBe(7);
  });

  it('settles everything a lease was granted across refills, and nothing for a plan without a quota', () => {
    const { book, keys } = setup();
    const lease = granted(book, keys, 3);
    granted(book, keys, 2, NOW_MS + 10);
    expect(book.take(lease, req, performance.now())).toBe(true);
    book.retire(lease);
    expect(book.takeReturns().map((r) => [r.count, r.settle])).toEqual([[4, 5]]);
    const rateOnly = { ...req, quota: null };
    const other = book.grant(keys, rateOnly, 2, REPLY_VALUES, 1, NOW_MS);
    if (other === null) throw new Error('no lease');
    expect(other.outstanding).toBe(0);
    book.retire(other);
    expect(book.takeReturns().map((r) => [r.count, r.settle])).toEqual([[2, 0]]);
  });
});
