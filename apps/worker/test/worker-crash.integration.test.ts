import { ANALYTICS_QUEUE_NAME } from '@portico/analytics';
import { waitFor } from '@portico/testkit';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerHarness, requestEvent, type WorkerHarness } from './worker-harness';
import { spawnWorker, type WorkerProcess } from './worker-process';

let h: WorkerHarness;
const children: WorkerProcess[] = [];
beforeAll(async () => {
  h = await createWorkerHarness();
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await h?.close();
});

// Short locks so a dead worker's job is redelivered within seconds instead of 30 s.
const FAST_RECOVERY = {
  PORTICO_WORKER_LOCK_DURATION_MS: '2000',
  PORTICO_WORKER_STALLED_INTERVAL_MS: '500',
  PORTICO_WORKER_CONCURRENCY: '4',
};

describe('worker process killed mid-batch', () => {
  it('redelivers the batches a SIGKILLed worker held and counts every event exactly once', async () => {
    const N = 24_000;
    const BATCH = 1_000;
    const recorder = h.recorder({ batchMaxEvents: BATCH, flushIntervalMs: 60_000 });
    // One flush per BATCH requests, so every batch carries the counts of its own requests (the
    // gateway aggregates between flushes) and a batch lost with the worker would lose counts.
    for (let i = 0; i < N; i++) {
      recorder.record(requestEvent({ totalMs: i % 500 }));
      if ((i + 1) % BATCH === 0) await recorder.flush(10_000);
    }
    await recorder.close(20_000);
    expect(recorder.stats()).toMatchObject({ sent: N, dropped: 0, batchesSent: N / BATCH });

    const queue = h.analyticsQueue();
    const events = new QueueEvents(ANALYTICS_QUEUE_NAME, {
      connection: h.connection.duplicate(),
      prefix: h.prefix,
    });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));

    const first = await spawnWorker(h.url, h.prefix, FAST_RECOVERY);
    children.push(first);
    // Kill once it is well into the backlog and holding several jobs.
    await waitFor('the first worker busy mid-backlog', async () => {
      const done = await h.count('analytics_batches');
      return done >= 2 && (await queue.getActiveCount()) >= 2;
    });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const processedBeforeKill = await h.count('analytics_batches');
    expect(processedBeforeKill).toBeLessThan(N / BATCH);

    const second = await spawnWorker(h.url, h.prefix, FAST_RECOVERY);
    children.push(second);
    await waitFor('every event counted', async () => (await h.rollupTotal()) >= N, 90_000);
    await waitFor('the queue drained', async () => {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'failed');
      return (counts.wait ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
    });

    expect(stalled.length).toBeGreaterThan(0);
    expect(await h.rollupTotal()).toBe(N);
    expect(await h.count('request_log')).toBe(N);
    expect(await h.count('analytics_batches')).toBe(N / BATCH);
    expect(await queue.getFailedCount()).toBe(0);

    // SIGTERM: the worker finishes what it runs, closes and exits 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('"worker stopped"');
    await events.close();
  }, 150_000);
});
