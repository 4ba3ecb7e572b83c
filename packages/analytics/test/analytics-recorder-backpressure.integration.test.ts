import { waitFor } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import {
  analyticsQueue,
  delivered,
  event,
  recorderOnPrivateRedis,
  recorderOnSharedRedis,
  SHARED_REDIS,
  useCleanups,
} from './recorder-test-kit';

useCleanups();

describe('analytics recorder: raw rows and backpressure', () => {
  it('logs every error and up to the per-second sample of successes per API, marking the sampled rows', async () => {
    const { prefix, recorder } = recorderOnSharedRedis({
      logSuccessesPerSecond: 3,
    });
    const second = 1_763_800_000_000;
    // Two APIs, ten successes each within one second, and four errors of the first API.
    for (let i = 0; i < 10; i++) {
      recorder.record({ ...event(i), time: second + i });
      recorder.record({ ...event(100 + i), time: second + i, apiId: 'api_two' });
    }
    for (let i = 0; i < 4; i++)
      recorder.record({
        ...event(200 + i),
        time: second + 500,
        status: 502,
        errorCode: 'GW_UPSTREAM_UNAVAILABLE',
      });
    // A success report-only validation marked is kept whole, past the spent sample budget.
    recorder.record({
      ...event(250),
      time: second + 600,
      errorCode: 'GW_REQUEST_INVALID_REPORTED',
    });
    // The next second opens a fresh budget.
    recorder.record({ ...event(300), time: second + 1_000 });
    await recorder.close(5_000);

    const shipped = await delivered(SHARED_REDIS, prefix);
    expect(shipped.counted).toBe(26);
    expect(shipped.rowIds).toEqual(
      [0, 1, 2, 100, 101, 102, 200, 201, 202, 203, 250, 300].map((i) => event(i).requestId).sort(),
    );
    // The successes are the sample; the errors and the marked success are all there, unmarked.
    expect(shipped.sampled).toBe(7);
    expect(recorder.stats()).toMatchObject({ recorded: 26, sent: 26, rowsKept: 12, dropped: 0 });
  });

  it('stops adding jobs past the queue backlog bound, sheds raw rows (counted), keeps counting and ships the held counts once the backlog clears', async () => {
    const { redis, prefix, recorder } = await recorderOnPrivateRedis('start', {
      flushIntervalMs: 50,
      maxQueueBacklog: 2,
    });
    await waitFor('Redis ready', () => recorder.stats().redisReady);
    // Nothing consumes the queue: jobs pile up until the recorder sees the bound.
    let i = 0;
    await waitFor(
      'shedding',
      () => {
        recorder.record({ ...event(i++), time: Date.now(), status: 500 });
        return recorder.stats().shedding === true;
      },
      30_000,
    );
    const jobsWhenShedding = (await delivered(redis.url, prefix)).counted;
    for (let k = 0; k < 1_000; k++)
      recorder.record({ ...event(i++), time: Date.now(), status: 500 });
    await waitFor('rows shed', () => (recorder.stats().rowsShed ?? 0) > 0, 30_000);
    // While shedding, no job is added: the backlog stays at its bound however much traffic comes.
    const queue = analyticsQueue(redis.url, prefix);
    expect(await queue.getWaitingCount()).toBeLessThanOrEqual(3);
    expect((await delivered(redis.url, prefix)).counted).toBe(jobsWhenShedding);
    expect(recorder.stats().buffered).toBeGreaterThanOrEqual(1_000);
    expect(recorder.metricsText()).toMatch(/^portico_analytics_shedding 1$/m);
    expect(recorder.metricsText()).toMatch(/^portico_analytics_rows_shed_total [1-9]\d*$/m);

    // A worker catches up: the jobs are consumed (here: counted and removed).
    const consumed = (await delivered(redis.url, prefix)).counted;
    await queue.drain();
    await waitFor(
      'backpressure cleared and the held counts shipped',
      async () => recorder.stats().shedding === false && recorder.stats().buffered === 0,
      30_000,
    );
    const afterwards = (await delivered(redis.url, prefix)).counted;
    // Every request recorded is counted exactly once: in the consumed jobs or in the later ones.
    expect(consumed + afterwards).toBe(i);
    expect(recorder.stats()).toMatchObject({ recorded: i, sent: i, dropped: 0 });
  }, 90_000);
});
