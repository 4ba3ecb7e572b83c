import { limiterEpochKey } from '@portico/config';
import { waitFor } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger';
import { startQuotaRestorer } from '../src/quota/quota-restorer';
import { createWorkerHarness, type WorkerHarness } from './worker-harness';

/**
 * Redis keeps the maintenance schedules as well as the quota counters. When it loses its data
 * the restorer, which notices from the missing marker, registers the schedules again with the
 * counters, so compaction and retention do not silently stop until the next worker restart.
 */
let h: WorkerHarness;

beforeAll(async () => {
  h = await createWorkerHarness();
});

afterAll(async () => {
  await h.close();
});

describe('Redis lost its data', () => {
  it('registers the scheduled jobs again with the restored counters', async () => {
    const runtime = await h.startRuntime({ schedules: true });
    const limiterKeyPrefix = `${h.prefix.slice(1, -1)}:rl`;
    const restorer = startQuotaRestorer({
      db: h.db,
      redis: h.connection,
      limiterKeyPrefix,
      logger: silentLogger,
      intervalMs: 50,
      onRestored: () => runtime.registerSchedules(),
    });
    try {
      const marker = limiterEpochKey(limiterKeyPrefix);
      await waitFor('the first restore', async () => (await h.connection.exists(marker)) === 1);
      const before = (await runtime.maintenanceQueue.getJobSchedulers()).map((s) => s.key).sort();
      expect(before.length).toBeGreaterThan(0);
      // What a FLUSHALL does to this deployment's keys (the Redis is shared with other tests).
      for (const { key } of await runtime.maintenanceQueue.getJobSchedulers())
        await runtime.maintenanceQueue.removeJobScheduler(key);
      await h.connection.del(marker);
      expect(await runtime.maintenanceQueue.getJobSchedulers()).toEqual([]);
      await waitFor('the marker restored', async () => (await h.connection.exists(marker)) === 1);
      const after = (await runtime.maintenanceQueue.getJobSchedulers()).map((s) => s.key).sort();
      expect(after).toEqual(before);
    } finally {
      await restorer.close();
    }
  }, 60_000);
});
