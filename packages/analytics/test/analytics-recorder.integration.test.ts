import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AnalyticsRecorder,
  createAnalyticsRecorder,
  type RecordedRequest,
} from '../src/analytics-recorder';
import { decodeBatch } from '../src/batch-codec';
import { ANALYTICS_BATCH_JOB_NAME, ANALYTICS_QUEUE_NAME } from '../src/queue-names';
import { PrivateRedisServer } from './private-redis-server';
import { waitFor } from './wait-for';

const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function event(i: number): RecordedRequest {
  return {
    time: 1_763_800_000_000 + i,
    requestId: `req_${String(i).padStart(8, '0')}`,
    apiId: 'api_one',
    routeId: 'rte_one',
    serviceId: 'svc_one',
    instance: '127.0.0.1:9001',
    consumerId: 'con_one',
    keyId: 'key_one',
    method: 'GET',
    status: 200,
    totalMs: 3,
    upstreamMs: 2,
    bytesIn: 10,
    bytesOut: 20,
    clientIp: '203.0.113.7',
    errorCode: null,
  };
}

/** Every event in the queue's waiting jobs, checking each job id is its batch id. */
async function deliveredRequestIds(redisUrl: string, prefix: string): Promise<string[]> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
  try {
    const jobs = await queue.getJobs(['wait'], 0, -1);
    const ids: string[] = [];
    for (const job of jobs) {
      expect(job.name).toBe(ANALYTICS_BATCH_JOB_NAME);
      const batch = decodeBatch(job.data);
      expect(job.id).toBe(batch.id);
      for (const e of batch.events) ids.push(e.requestId);
    }
    return ids.sort();
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(recorder: AnalyticsRecorder): AnalyticsRecorder {
  cleanups.push(() => recorder.close(100));
  return recorder;
}

function freshPrefix(): string {
  return `{test-analytics-${randomBytes(6).toString('hex')}}`;
}

async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

describe('analytics recorder on a real Redis', () => {
  it('ships every recorded event exactly once, one job per batch keyed by the batch id', async () => {
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = track(
      createAnalyticsRecorder({
        connection: SHARED_REDIS,
        prefix,
        nodeId: 'dpn_test',
        batchMaxEvents: 1000,
        flushIntervalMs: 50,
        logger: silent,
      }),
    );
    for (let i = 0; i < 2500; i++) recorder.record(event(i));
    await waitFor('all events sent', () => recorder.stats().sent === 2500);
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
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = createAnalyticsRecorder({
      connection: SHARED_REDIS,
      prefix,
      nodeId: 'dpn_test',
      flushIntervalMs: 60_000,
      logger: silent,
    });
    await waitFor('Redis ready', () => recorder.stats().redisReady);
    for (let i = 0; i < 17; i++) recorder.record(event(i));
    await recorder.close(5_000);
    expect(recorder.stats()).toMatchObject({ recorded: 17, sent: 17, dropped: 0, buffered: 0 });
    expect(await deliveredRequestIds(SHARED_REDIS, prefix)).toHaveLength(17);
  });

  it('lets the process exit once closed, however long the flush timeout it was given', async () => {
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
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
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = createAnalyticsRecorder({
      connection: SHARED_REDIS,
      prefix,
      nodeId: 'dpn_test',
      logger: silent,
    });
    recorder.record(event(1));
    recorder.record({ ...event(2), status: 42 });
    recorder.record(event(3));
    await recorder.close(5_000);
    expect(recorder.stats()).toMatchObject({ recorded: 3, sent: 2, dropped: 1, invalid: 1 });
    expect(await deliveredRequestIds(SHARED_REDIS, prefix)).toEqual([
      event(1).requestId,
      event(3).requestId,
    ]);
  });

  it('anonymises client addresses when asked', async () => {
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = createAnalyticsRecorder({
      connection: SHARED_REDIS,
      prefix,
      nodeId: 'dpn_test',
      anonymiseIp: true,
      logger: silent,
    });
    recorder.record(event(1));
    await recorder.close(5_000);
    const connection = new Redis(SHARED_REDIS, { maxRetriesPerRequest: null });
    const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
    const [job] = await queue.getJobs(['wait']);
    await queue.close();
    connection.disconnect();
    expect(job && decodeBatch(job.data).events[0]?.clientIp).toBe('203.0.113.0');
  });
});

describe('analytics recorder while Redis is unavailable (private redis-server)', () => {
  it('keeps record() non-blocking, holds the newest events up to the bound, counts the dropped and delivers the rest when Redis returns', async () => {
    const redis = await PrivateRedisServer.start();
    cleanups.push(() => redis.stop());
    const prefix = freshPrefix();
    const recorder = track(
      createAnalyticsRecorder({
        connection: redis.url,
        prefix,
        nodeId: 'dpn_test',
        maxBufferedEvents: 5_000,
        batchMaxEvents: 500,
        flushIntervalMs: 50,
        logger: silent,
      }),
    );
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
    expect(recorder.stats()).toMatchObject({
      recorded: 8_000,
      dropped: 3_000,
      buffered: 5_000,
      sent: 0,
    });

    // Failed sends are retried with back-off while the events wait.
    await waitFor('a failed send', () => recorder.stats().sendFailures > 0);
    expect(recorder.stats().buffered).toBe(5_000);

    await redis.start();
    await waitFor('the backlog to drain', () => recorder.stats().sent === 5_000, 30_000);
    const delivered = await deliveredRequestIds(redis.url, prefix);
    const newest = Array.from({ length: 5_000 }, (_, k) => event(3_000 + k).requestId);
    expect(delivered).toEqual(newest);
    expect(recorder.stats()).toMatchObject({ dropped: 3_000, buffered: 0 });
    expect(recorder.metricsText()).toContain('portico_analytics_dropped_total 3000');
  }, 90_000);

  it('starts without Redis and delivers what was recorded once Redis comes up', async () => {
    const redis = await PrivateRedisServer.reserve();
    cleanups.push(() => redis.stop());
    const prefix = freshPrefix();
    const recorder = track(
      createAnalyticsRecorder({
        connection: redis.url,
        prefix,
        nodeId: 'dpn_test',
        flushIntervalMs: 50,
        logger: silent,
      }),
    );
    for (let i = 0; i < 300; i++) recorder.record(event(i));
    await waitFor('a failed send', () => recorder.stats().sendFailures > 0);
    // flush() with Redis down gives up at its deadline instead of hanging the shutdown.
    const flushStarted = Date.now();
    await recorder.flush(300);
    expect(Date.now() - flushStarted).toBeLessThan(2_000);
    expect(recorder.stats().buffered).toBe(300);

    await redis.start();
    await waitFor('events sent', () => recorder.stats().sent === 300, 30_000);
    expect(await deliveredRequestIds(redis.url, prefix)).toHaveLength(300);
  }, 90_000);
});
