import { describe, expect, it } from 'vitest';
import { WeightedRoundRobinSelector } from './weighted-round-robin';

const passive = {
  enabled: true,
  consecutiveFailures: 2,
  baseEjectionMs: 1000,
  maxEjectionMs: 8000,
  maxEjectionPercent: 50,
};

describe('WeightedRoundRobinSelector', () => {
  it('spreads picks in proportion to weights, evenly interleaved', () => {
    const selector = new WeightedRoundRobinSelector(
      [
        { host: 'a', port: 1, weight: 300 },
        { host: 'b', port: 1, weight: 100 },
      ],
      'http',
      passive,
    );
    const picks = Array.from({ length: 8 }, () => selector.pick()?.host);
    expect(picks.filter((h) => h === 'a')).toHaveLength(6);
    expect(picks.slice(0, 4).filter((h) => h === 'b')).toHaveLength(1);
  });

  it('ejects an instance after consecutive failures, for a back-off that doubles', () => {
    let now = 0;
    const selector = new WeightedRoundRobinSelector(
      [
        { host: 'a', port: 1, weight: 100 },
        { host: 'b', port: 1, weight: 100 },
        { host: 'c', port: 1, weight: 100 },
      ],
      'http',
      passive,
      () => now,
    );
    const a = selector.pick();
    if (!a) throw new Error('expected an instance');
    selector.reportFailure(a);
    selector.reportFailure(a);
    expect(selector.health().find((h) => h.id === 'a:1')?.state).toBe('ejected');
    expect(Array.from({ length: 10 }, () => selector.pick()?.host)).not.toContain('a');
    // Back after 1 s, and a relapse ejects it for twice as long.
    now = 1001;
    expect(Array.from({ length: 10 }, () => selector.pick()?.host)).toContain('a');
    selector.reportFailure(a);
    selector.reportFailure(a);
    now += 1999;
    expect(selector.health().find((h) => h.id === 'a:1')?.state).toBe('ejected');
  });

  it('never ejects past the cap', () => {
    const selector = new WeightedRoundRobinSelector(
      [{ host: 'only', port: 1, weight: 100 }],
      'http',
      passive,
    );
    const only = selector.pick();
    if (!only) throw new Error('expected an instance');
    for (let i = 0; i < 10; i++) selector.reportFailure(only);
    expect(selector.pick()?.host).toBe('only');
  });

  it('skips zero-weight targets and returns null when none is left', () => {
    const selector = new WeightedRoundRobinSelector(
      [{ host: 'z', port: 1, weight: 0 }],
      'http',
      passive,
    );
    expect(selector.pick()).toBeNull();
  });
});
