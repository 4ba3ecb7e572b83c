import { CLUSTER_SLOTS, limiterEpochKey, restoreMarkerKeys } from '@portico/config';
import type { RedisClient } from '@portico/config/redis';
import { Cluster } from 'ioredis';

/**
 * Where the worker keeps its "counters are whole" markers. On one Redis that is the restore
 * marker the gateways read (limiterEpochKey). On a Redis Cluster a limiter call may touch one
 * slot only, so every slot also has a marker of its own (restoreMarkerKeys), which the gateways'
 * calls carry; and one master can lose its data alone (restarted without persistence, a FLUSHALL
 * sent to it), taking exactly its slots' markers with it. A missing marker means data was lost
 * somewhere, and every counter is restored (raising a counter that survived changes nothing).
 */
export interface RestoreMarkers {
  readonly key: string;
  /** True when the marker and, on a cluster, a slot marker on every master are present. */
  present(): Promise<boolean>;
  /** Writes the slot markers, then the marker (last: gateways read it as "restored"). */
  write(value: string): Promise<void>;
}

export function restoreMarkers(redis: RedisClient, limiterKeyPrefix: string): RestoreMarkers {
  const key = limiterEpochKey(limiterKeyPrefix);
  const perSlot = redis instanceof Cluster ? restoreMarkerKeys(limiterKeyPrefix) : null;

  /** Each master's slots, from the cluster client's current map. */
  function slotsByMaster(cluster: Cluster): Map<string, number[]> {
    const owned = new Map<string, number[]>();
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const master = cluster.slots[slot]?.[0];
      if (master === undefined) continue;
      let slots = owned.get(master);
      if (slots === undefined) {
        slots = [];
        owned.set(master, slots);
      }
      slots.push(slot);
    }
    return owned;
  }

  return {
    key,
    async present() {
      if ((await redis.exists(key)) !== 1) return false;
      if (!(redis instanceof Cluster) || perSlot === null) return true;
      // A master that lost its data lost all its slots' markers: one per master tells.
      for (const slots of slotsByMaster(redis).values()) {
        const first = perSlot[slots[0] ?? 0];
        if (first !== undefined && (await redis.exists(first)) !== 1) return false;
      }
      return true;
    },
    async write(value) {
      if (redis instanceof Cluster && perSlot !== null) {
        const masters = new Map(
          redis.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
        );
        // One pipeline per master, over the keys of the slots it serves.
        for (const [master, slots] of slotsByMaster(redis)) {
          const node = masters.get(master);
          if (node === undefined) continue;
          const pipeline = node.pipeline();
          for (const slot of slots) pipeline.set(perSlot[slot] ?? key, value);
          await pipeline.exec();
        }
      }
      await redis.set(key, value);
    },
  };
}
