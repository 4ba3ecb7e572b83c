import { ZSnapshotService } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { ServiceBalancer } from './service-balancer';
import type { UpstreamInstance } from './upstream-selector';

function serviceWith(
  targets: Array<{ host: string; port: number; weight?: number }>,
  settings: Record<string, unknown> = {},
) {
  return ZSnapshotService.parse({ id: 'svc', name: 'svc', targets, ...settings });
}

const three = [
  { host: '127.0.0.1', port: 1001 },
  { host: '127.0.0.1', port: 1002 },
  { host: '127.0.0.1', port: 1003 },
];

/** A deterministic clock and random source. */
function fakeClock(seed = 1) {
  let s = seed;
  const clock = {
    t: 0,
    now: () => clock.t,
    random: () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    },
  };
  return clock;
}

function pickOrThrow(b: ServiceBalancer, ip = '10.0.0.1'): UpstreamInstance {
  const picked = b.pick({ consumerId: null, clientIp: ip }, null);
  if (picked === null) throw new Error('expected an instance');
  return picked;
}

function countPicks(b: ServiceBalancer, n: number, report = true): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const p = pickOrThrow(b);
    counts.set(p.port, (counts.get(p.port) ?? 0) + 1);
    if (report) b.reportSuccess(p);
  }
  return counts;
}

describe('round-robin', () => {
  it('honours weights exactly over a full cycle and interleaves smoothly', () => {
    const b = new ServiceBalancer(
      serviceWith([
        { host: '127.0.0.1', port: 1, weight: 300 },
        { host: '127.0.0.1', port: 2, weight: 100 },
      ]),
    );
    const counts = countPicks(b, 4000);
    expect(counts.get(1)).toBe(3000);
    expect(counts.get(2)).toBe(1000);
  });
});

describe('least outstanding', () => {
  it('sends the next request to the idle instance', () => {
    const b = new ServiceBalancer(
      serviceWith(three, { loadBalancer: { algorithm: 'least-outstanding' } }),
    );
    // Two slow requests in flight on two instances: the third instance is the idle one.
    const first = pickOrThrow(b);
    const second = pickOrThrow(b);
    expect(second.port).not.toBe(first.port);
    const third = pickOrThrow(b);
    expect([first.port, second.port]).not.toContain(third.port);
    b.reportSuccess(second);
    expect(pickOrThrow(b).port).toBe(second.port);
  });

  it('spreads evenly when every request completes at once', () => {
    const b = new ServiceBalancer(
      serviceWith(three, { loadBalancer: { algorithm: 'least-outstanding' } }),
    );
    const counts = countPicks(b, 3000);
    for (const port of [1001, 1002, 1003]) expect(counts.get(port)).toBe(1000);
  });
});

describe('power of two choices', () => {
  it('spreads within 10% when requests complete, and never picks the busiest of three', () => {
    const clock = fakeClock(7);
    const b = new ServiceBalancer(
      serviceWith(three, { loadBalancer: { algorithm: 'power-of-two' } }),
      clock,
    );
    const counts = countPicks(b, 3000);
    for (const port of [1001, 1002, 1003]) {
      expect(counts.get(port)).toBeGreaterThan(900);
      expect(counts.get(port)).toBeLessThan(1100);
    }
    // Hold 30 requests in flight, then finish all but those of one instance: that one is the
    // busiest, and since the two choices are always distinct it can never win a comparison.
    const inFlight = Array.from({ length: 30 }, () => pickOrThrow(b));
    const heavy = inFlight[0] as UpstreamInstance;
    for (const p of inFlight) if (p !== heavy) b.reportSuccess(p);
    const after = countPicks(b, 300);
    expect(after.get(heavy.port) ?? 0).toBe(0);
  });
});

describe('consistent hashing', () => {
  const ten = Array.from({ length: 10 }, (_, i) => ({ host: '127.0.0.1', port: 2000 + i }));
  const keys = Array.from({ length: 5000 }, (_, i) => `198.51.100.${i % 250}-${i}`);

  function assignment(b: ServiceBalancer): Map<string, number> {
    const out = new Map<string, number>();
    for (const key of keys) {
      const p = b.pick(null, { 'x-tenant': key }, null);
      if (p === null) throw new Error('expected an instance');
      b.reportSuccess(p);
      out.set(key, p.port);
    }
    return out;
  }

  it('maps the same key to the same instance and spreads keys roughly evenly', () => {
    const b = new ServiceBalancer(
      serviceWith(ten, {
        loadBalancer: { algorithm: 'consistent-hash', hashOn: 'header', hashHeader: 'X-Tenant' },
      }),
    );
    const first = assignment(b);
    const second = assignment(b);
    expect(second).toEqual(first);
    const perInstance = new Map<number, number>();
    for (const port of first.values()) perInstance.set(port, (perInstance.get(port) ?? 0) + 1);
    expect(perInstance.size).toBe(10);
    for (const n of perInstance.values()) {
      expect(n).toBeGreaterThan(250); // ideal 500
      expect(n).toBeLessThan(800);
    }
  });

  it('moves only the leaving instance keys (about 1/N) when one of N leaves', () => {
    const b = new ServiceBalancer(
      serviceWith(ten, {
        loadBalancer: { algorithm: 'consistent-hash', hashOn: 'header', hashHeader: 'x-tenant' },
      }),
    );
    const before = assignment(b);
    b.setInstances(
      ten
        .filter((t) => t.port !== 2003)
        .map((t) => ({ id: `${t.host}:${t.port}`, address: t.host, port: t.port, weight: 100 })),
    );
    const after = assignment(b);
    let moved = 0;
    for (const [key, port] of before) {
      if (after.get(key) !== port) {
        moved++;
        // Only keys of the instance that left move.
        expect(port).toBe(2003);
      }
    }
    expect(moved / keys.length).toBeGreaterThan(0.05);
    expect(moved / keys.length).toBeLessThan(0.16); // 1/10 ± hashing noise
  });

  it('keys on the consumer, falling back to the client IP', () => {
    const b = new ServiceBalancer(
      serviceWith(ten, { loadBalancer: { algorithm: 'consistent-hash', hashOn: 'consumer' } }),
    );
    const a = b.pick({ consumerId: 'con_a', clientIp: '10.0.0.1' }, null);
    const again = b.pick({ consumerId: 'con_a', clientIp: '10.9.9.9' }, null);
    expect(again?.port).toBe(a?.port);
  });
});

describe('health: passive ejection, half-open return, cap and panic', () => {
  const passive = {
    healthCheck: {
      passive: { consecutiveFailures: 2, baseEjectionMs: 1000, maxEjectionMs: 8000 },
      maxEjectionPercent: 50,
      panicThresholdPercent: 30,
    },
  };

  /** Three instances on a fake clock, the one picked first ejected by two consecutive failures. */
  function withOneEjected() {
    const clock = fakeClock();
    const b = new ServiceBalancer(serviceWith(three, passive), clock);
    const bad = pickOrThrow(b);
    b.reportFailure(bad);
    b.reportFailure(bad);
    return { clock, b, bad };
  }

  it('ejects after consecutive failures and returns through one half-open trial', () => {
    const { clock, b, bad } = withOneEjected();
    expect(b.health().find((h) => h.port === bad.port)).toMatchObject({
      state: 'ejected',
      reason: expect.stringContaining('passive'),
    });
    expect(countPicks(b, 30).get(bad.port)).toBeUndefined();
    // Due back: exactly one trial request at a time.
    clock.t = 1001;
    const picks = Array.from({ length: 6 }, () => pickOrThrow(b));
    expect(picks.filter((p) => p.port === bad.port)).toHaveLength(1);
    const trial = picks.find((p) => p.port === bad.port) as UpstreamInstance;
    for (const p of picks) if (p !== trial) b.reportSuccess(p);
    // The trial fails: re-ejected at once, for twice as long.
    b.reportFailure(trial);
    clock.t = 1001 + 1999;
    expect(b.health().find((h) => h.port === bad.port)?.state).toBe('ejected');
    clock.t = 1001 + 2001;
    const trial2 = countPicks(b, 6, false);
    expect(trial2.get(bad.port)).toBe(1);
  });

  it('never ejects more than the cap when most instances fail at once, and panics below the threshold', () => {
    const clock = fakeClock();
    const ten = Array.from({ length: 10 }, (_, i) => ({ host: '127.0.0.1', port: 3000 + i }));
    const b = new ServiceBalancer(serviceWith(ten, passive), clock);
    // Eight of ten instances fail every request.
    const failing = new Set([3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007]);
    for (let i = 0; i < 400; i++) {
      const p = pickOrThrow(b);
      if (failing.has(p.port)) b.reportFailure(p);
      else b.reportSuccess(p);
    }
    const ejected = b.health().filter((h) => h.state === 'ejected');
    expect(ejected).toHaveLength(5); // 50% of 10, not 8
    // 5 of 10 healthy is above the 30% panic threshold: the ejected ones get nothing.
    const counts = countPicks(b, 500);
    for (const h of ejected) expect(counts.get(h.port)).toBeUndefined();

    // Active checks mark 8 unhealthy: 2/10 healthy < 30% → panic spreads over all 10.
    const panicky = new ServiceBalancer(serviceWith(ten, passive), clock);
    const members = (
      panicky as unknown as { members: Array<{ activeHealthy: boolean; port: number }> }
    ).members;
    for (const m of members) if (failing.has(m.port)) m.activeHealthy = false;
    const spread = countPicks(panicky, 1000);
    expect(spread.size).toBe(10);
    // Above the threshold (3 of 10 healthy) only the healthy ones are used.
    for (const m of members) if (m.port === 3007) m.activeHealthy = true;
    expect(countPicks(panicky, 300).size).toBe(3);
  });

  it('keeps per-instance state for instances that stay in a new instance set', () => {
    const { b, bad } = withOneEjected();
    b.setInstances([
      ...three.map((t) => ({
        id: `${t.host}:${t.port}`,
        address: t.host,
        port: t.port,
        weight: 100,
      })),
      { id: 'new', address: '127.0.0.1', port: 1004, weight: 100 },
    ]);
    expect(b.health().find((h) => h.port === bad.port)?.state).toBe('ejected');
    expect(b.health()).toHaveLength(4);
  });

  it('excludes the instance a retry moves away from, and returns null when it is the only one', () => {
    const b = new ServiceBalancer(serviceWith(three));
    const first = pickOrThrow(b);
    for (let i = 0; i < 20; i++) expect(b.pick(null, null, first)?.port).not.toBe(first.port);
    const single = new ServiceBalancer(serviceWith([three[0] as (typeof three)[0]]));
    const only = pickOrThrow(single);
    expect(single.pick(null, null, only)).toBeNull();
  });
});
