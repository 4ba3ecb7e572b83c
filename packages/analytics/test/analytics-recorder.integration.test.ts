import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { RedisServer, waitFor } from '@portico/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAnalyticsBatch } from '../src/aggregate-batch-codec';
import {
  type AnalyticsRecorder,
  createAnalyticsRecorder,
  type RecordedRequest,
} from '../src/analytics-recorder';
import { ANALYTICS_AGGREGATE_BATCH_JOB_NAME, ANALYTICS_QUEUE_NAME } from '../src/queue-names';

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

/** What the queue's waiting jobs carry: requests counted, and the ids of the raw rows kept. */
async function delivered(
  redisUrl: string,
  prefix: string,
): Promise<{ counted: number; rowIds: string[]; sampled: number }> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
  try {
    const jobs = await queue.getJobs(['wait'], 0, -1);
    const rowIds: string[] = [];
    let counted = 0;
    let sampled = 0;
    for (const job of jobs) {
      expect(job.name).toBe(ANALYTICS_AGGREGATE_BATCH_JOB_NAME);
      const batch = decodeAnalyticsBatch(job.data);
      expect(job.id).toBe(batch.id);
      counted += batch.events;
      for (const row of batch.rows) {
        rowIds.push(row.requestId);
        if (row.sampled) sampled++;
      }
    }
    return { counted, rowIds: rowIds.sort(), sampled };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** The raw rows kept, for tests that log every success. */
async function deliveredRequestIds(redisUrl: string, prefix: string): Promise<string[]> {
  return (await delivered(redisUrl, prefix)).rowIds;
}

/** Every success gets a raw row: lets a test follow each request through by its id. */
const LOG_ALL = 1_000_000;

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
        logSuccessesPerSecond: LOG_ALL,
        batchMaxEvents: 1000,
        flushIntervalMs: 50,
        logger: silent,
      }),
    );
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
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = createAnalyticsRecorder({
      connection: SHARED_REDIS,
      prefix,
      nodeId: 'dpn_test',
      logSuccessesPerSecond: LOG_ALL,
      flushIntervalMs: 60_000,
      logger: silent,
    });
    await waitFor('Redis ready', () => recorder.stats().redisReady);
    for (let i = 0; i < 17; i++) recorder.record(event(i));
    await recorder.close(5_000);
    expect(recorder.stats()).toMatchObject({ recorded: 17, sent: 17, dropped: 0, buffered: 0 });
    expect(await delivered(SHARED_REDIS, prefix)).toMatchObject({ counted: 17 });
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
    expect((await delivered(SHARED_REDIS, prefix)).counted).toBe(2);
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
    expect(job && decodeAnalyticsBatch(job.data).rows[0]?.clientIp).toBe('203.0.113.0');
  });
});

describe('analytics recorder while Redis is unavailable (private redis-server)', () => {
  it('keeps record() non-blocking, counts every request, holds the newest raw rows up to the bound, counts the rows dropped and delivers all when Redis returns', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const prefix = freshPrefix();
    const recorder = track(
      createAnalyticsRecorder({
        connection: redis.url,
        prefix,
        nodeId: 'dpn_test',
        maxBufferedEvents: 5_000,
        logSuccessesPerSecond: LOG_ALL,
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
    const redis = await RedisServer.reserve();
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
    expect((await delivered(redis.url, prefix)).counted).toBe(300);
  }, 90_000);
});

describe('analytics recorder: raw rows and backpressure', () => {
  it('logs every error and up to the per-second sample of successes per API, marking the sampled rows', async () => {
    const prefix = freshPrefix();
    cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
    const recorder = createAnalyticsRecorder({
      connection: SHARED_REDIS,
      prefix,
      nodeId: 'dpn_test',
      logSuccessesPerSecond: 3,
      logger: silent,
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
    // The next second opens a fresh budget.
    recorder.record({ ...event(300), time: second + 1_000 });
    await recorder.close(5_000);

    const shipped = await delivered(SHARED_REDIS, prefix);
    expect(shipped.counted).toBe(25);
    expect(shipped.rowIds).toEqual(
      [0, 1, 2, 100, 101, 102, 200, 201, 202, 203, 300].map((i) => event(i).requestId).sort(),
    );
    // The successes are the sample; the errors are all there, so they are not marked.
    expect(shipped.sampled).toBe(7);
    expect(recorder.stats()).toMatchObject({ recorded: 25, sent: 25, rowsKept: 11, dropped: 0 });
  });

  it('stops adding jobs past the queue backlog bound, sheds raw rows (counted), keeps counting and ships the held counts once the backlog clears', async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    const prefix = freshPrefix();
    const recorder = track(
      createAnalyticsRecorder({
        connection: redis.url,
        prefix,
        nodeId: 'dpn_test',
        flushIntervalMs: 50,
        maxQueueBacklog: 2,
        logger: silent,
      }),
    );
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
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
    cleanups.push(async () => {
      await queue.close();
      connection.disconnect();
    });
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
