import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import { decodeAnalyticsBatch } from '../src/aggregate-batch-codec';
import {
  analyticsQueue,
  cleanups,
  delivered,
  deliveredRequestIds,
  event,
  LOG_ALL,
  recorderOnSharedRedis,
  SHARED_REDIS,
  sharedRedisPrefix,
  useCleanups,
} from './recorder-test-kit';

useCleanups();

describe('analytics recorder on a real Redis', () => {
  it('ships every recorded event exactly once, one job per batch keyed by the batch id', async () => {
    const { prefix, recorder } = recorderOnSharedRedis({
      logSuccessesPerSecond: LOG_ALL,
      batchMaxEvents: 1000,
      flushIntervalMs: 50,
    });
    for (let i = 0; i < 2500; i++) recorder.record(event(i));
    await waitFor(
      'all events and rows sent',
      () => recorder.stats().sent === 2500 && recorder.stats().rowsBuffered === 0,
    );
    // The first batch carries every count; the rows follow 1,000 per batch.
    expect((await delivered(SHARED_REDIS, prefix)).counted).toBe(2500);
    const ids = await deliveredRequestIds(SHARED_REDIS, prefix);
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
    expect(recorder.stats()).toMatchObject({
      recorded: 2500,
      dropped: 0,
      batchesSent: 3,
      buffered: 0,
    });
    expect(recorder.metricsText()).toContain('portico_analytics_events_total 2500');
    expect(recorder.metricsText()).toContain('portico_analytics_batches_sent_total 3');
  });

  it('sends what is still buffered when closed, before the interval would have', async () => {
    const { prefix, recorder } = recorderOnSharedRedis({
      logSuccessesPerSecond: LOG_ALL,
      flushIntervalMs: 60_000,
    });
    await waitFor('Redis ready', () => recorder.stats().redisReady);
    for (let i = 0; i < 17; i++) recorder.record(event(i));
    await recorder.close(5_000);
    expect(recorder.stats()).toMatchObject({ recorded: 17, sent: 17, dropped: 0, buffered: 0 });
    expect(await delivered(SHARED_REDIS, prefix)).toMatchObject({ counted: 17 });
    expect(await deliveredRequestIds(SHARED_REDIS, prefix)).toHaveLength(17);
  });

  it('lets the process exit once closed, however long the flush timeout it was given', async () => {
    const prefix = sharedRedisPrefix();
    // A child process that records, closes with a ten-minute timeout and then has nothing left
    // to do: it exits at once unless a timer of the recorder's is still running.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./fixtures/record-and-close.ts', import.meta.url)),
        SHARED_REDIS,
        prefix,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(child, 'exit');
    await waitFor('the child to print its stats', () => output.includes('\n'), 60_000);
    expect(JSON.parse(output)).toMatchObject({ recorded: 5, sent: 5, buffered: 0 });
    await waitFor('the child to exit', () => child.exitCode !== null, 60_000);
    expect(await exited).toEqual([0, null]);
  }, 120_000);

  it('drops and counts a malformed event instead of letting it spoil its batch', async () => {
    const { prefix, recorder } = recorderOnSharedRedis();
    recorder.record(event(1));
    recorder.record({ ...event(2), status: 42 });
    recorder.record(event(3));
    await recorder.close(5_000);
    expect(recorder.stats()).toMatchObject({ recorded: 3, sent: 2, dropped: 1, invalid: 1 });
    expect((await delivered(SHARED_REDIS, prefix)).counted).toBe(2);
    expect(await deliveredRequestIds(SHARED_REDIS, prefix)).toEqual([
      event(1).requestId,
      event(3).requestId,
    ]);
  });

  it('anonymises client addresses when asked', async () => {
    const { prefix, recorder } = recorderOnSharedRedis({
      anonymiseIp: true,
    });
    recorder.record(event(1));
    await recorder.close(5_000);
    const [job] = await analyticsQueue(SHARED_REDIS, prefix).getJobs(['wait']);
    expect(job && decodeAnalyticsBatch(job.data).rows[0]?.clientIp).toBe('203.0.113.0');
  });
});
