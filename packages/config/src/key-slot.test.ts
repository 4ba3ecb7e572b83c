import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, redisKeySlot, restoreMarkerKeys } from './key-slot';

describe('restoreMarkerKeys', () => {
  it('gives every slot a marker that lives in that slot, the same on every call', () => {
    const started = performance.now();
    const keys = restoreMarkerKeys('portico:demo:rl');
    const tookMs = performance.now() - started;
    expect(keys).toHaveLength(CLUSTER_SLOTS);
    keys.forEach((key, slot) => {
      expect(redisKeySlot(key)).toBe(slot);
      expect(key.startsWith('{portico:demo:rl:epoch:')).toBe(true);
    });
    expect(restoreMarkerKeys('portico:demo:rl')).toEqual(keys);
    // Computed once per process at boot, only on a cluster.
    expect(tookMs).toBeLessThan(5_000);
  });

  it('keeps two deployments apart', () => {
    const one = restoreMarkerKeys('portico:one:rl');
    const two = new Set(restoreMarkerKeys('portico:two:rl'));
    expect(one.some((key) => two.has(key))).toBe(false);
  });
});
