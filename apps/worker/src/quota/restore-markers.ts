import type { RedisClient } from '@portico/config/redis';
import { Cluster } from 'ioredis';

/**
 * Where the worker keeps its "counters are whole" markers. On one Redis that is the restore
 * marker the gateways read (limiterEpochKey). A Redis Cluster can lose one master's data alone (a
 * node restarted without persistence, a FLUSHALL sent to it), so there each master also holds a
 * sentinel: a key in one of its own slots. A missing marker or sentinel means data was lost
 * somewhere and every counter is restored (raising a counter that survived changes nothing).
 */
export interface RestoreMarkers {
  /** True when the marker and, on a cluster, every master's sentinel are present. */
  present(): Promise<boolean>;
  /** Writes the sentinels, then the marker (last: gateways read it as "restored"). */
  write(value: string): Promise<void>;
}

/** Candidate sentinel keys tried per master before giving up on finding one in its slots. */
const MAX_CANDIDATES = 256;

export function restoreMarkers(redis: RedisClient, markerKey: string): RestoreMarkers {
  async function sentinels(): Promise<string[]> {
    if (!(redis instanceof Cluster)) return [];
    const masters = new Set(
      redis.nodes('master').map((node) => `${node.options.host}:${node.options.port}`),
    );
    const keys: string[] = [];
    // A key's own hash tag picks its slot (the marker's braces are dropped: a tag ends at the
    // first `}`); Redis says which slot, the cluster map which master serves it.
    const base = markerKey.replace(/[{}]/g, '');
    for (let n = 0; masters.size > 0 && n < MAX_CANDIDATES; n++) {
      const key = `{${base}:${n}}`;
      const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
      const owner = redis.slots[slot]?.[0];
      if (owner !== undefined && masters.delete(owner)) keys.push(key);
    }
    return keys;
  }

  return {
    async present() {
      if ((await redis.exists(markerKey)) !== 1) return false;
      for (const key of await sentinels()) if ((await redis.exists(key)) !== 1) return false;
      return true;
    },
    async write(value) {
      for (const key of await sentinels()) await redis.set(key, value);
      await redis.set(markerKey, value);
    },
  };
}
