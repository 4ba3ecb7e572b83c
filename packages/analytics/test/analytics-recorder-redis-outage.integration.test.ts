import { waitFor } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import {
  delivered,
  event,
  LOG_ALL,
  recorderOnPrivateRedis,
  useCleanups,
} from './recorder-test-kit';

useCleanups();

describe('analytics recorder while Redis is unavailable (private redis-server)', () => {
  it('keeps record() non-blocking, counts every request, holds the newest raw rows up to the bound, counts the rows dropped and delivers all when Redis returns', async () => {
    const { redis, prefix, recorder } = await recorderOnPrivateRedis('start', {
      maxBufferedEvents: 5_000,
      logSuccessesPerSecond: LOG_ALL,
      batchMaxEvents: 500,
      flushIntervalMs: 50,
    });
    await waitFor('Redis ready', () => recorder.stats().redisReady);

    await redis.stop();
    await waitFor('the recorder to notice Redis is gone', () => !recorder.stats().redisReady);

    const callMs: number[] = [];
    const returned = new Set<unknown>();
    const started = performance.now();
    for (let i = 0; i < 8_000; i++) {
      const before = performance.now();
      returned.add(recorder.record(event(i)));
      callMs.push(performance.now() - before);
    }
    const totalMs = performance.now() - started;
    // No promise to await and nothing pending per call.
    expect([...returned]).toEqual([undefined]);
    // Nothing waits on the network: microseconds per call. The p99 rather than the maximum, and
    // a generous total, because a busy shared machine can pause any process for a while; a call
    // that waited on Redis would take a connect timeout (seconds) or never return.
    callMs.sort((a, b) => a - b);
    expect(callMs[Math.floor(callMs.length * 0.99)]).toBeLessThan(1);
    expect(totalMs).toBeLessThan(3_000);
    // Counts are aggregated, so none is lost; only raw rows past the bound are.
    expect(recorder.stats()).toMatchObject({
      recorded: 8_000,
      dropped: 0,
      buffered: 8_000,
      rowsDropped: 3_000,
      rowsBuffered: 5_000,
      sent: 0,
    });

    // Failed sends are retried with back-off while the events wait.
    await waitFor('a failed send', () => recorder.stats().sendFailures > 0);
    expect(recorder.stats().buffered).toBe(8_000);

    await redis.start();
    await waitFor('the backlog to drain', () => recorder.stats().rowsBuffered === 0, 30_000);
    const shipped = await delivered(redis.url, prefix);
    expect(shipped.counted).toBe(8_000);
    const newest = Array.from({ length: 5_000 }, (_, k) => event(3_000 + k).requestId);
    expect(shipped.rowIds).toEqual(newest);
    expect(recorder.stats()).toMatchObject({ sent: 8_000, dropped: 0, buffered: 0 });
    expect(recorder.metricsText()).toContain('portico_analytics_dropped_total 0');
    expect(recorder.metricsText()).toContain('portico_analytics_rows_dropped_total 3000');
  }, 90_000);

  it('starts without Redis and delivers what was recorded once Redis comes up', async () => {
    const { redis, prefix, recorder } = await recorderOnPrivateRedis('reserve', {
      flushIntervalMs: 50,
    });
    for (let i = 0; i < 300; i++) recorder.record(event(i));
    await waitFor('a failed send', () => recorder.stats().sendFailures > 0);
    // flush() with Redis down gives up at its deadline instead of hanging the shutdown.
    const flushStarted = Date.now();
    await recorder.flush(300);
    expect(Date.now() - flushStarted).toBeLessThan(2_000);
    expect(recorder.stats().buffered).toBe(300);

    await redis.start();
    await waitFor('events sent', () => recorder.stats().sent === 300, 30_000);
    expect((await delivered(redis.url, prefix)).counted).toBe(300);
  }, 90_000);
});
