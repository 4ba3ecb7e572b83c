import { randomBytes } from 'node:crypto';
import { RedisServer } from '@portico/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, expect } from 'vitest';
import { decodeAnalyticsBatch } from '../src/aggregate-batch-codec';
import {
  type AnalyticsRecorder,
  type AnalyticsRecorderOptions,
  createAnalyticsRecorder,
  type RecordedRequest,
} from '../src/analytics-recorder';
import { ANALYTICS_AGGREGATE_BATCH_JOB_NAME, ANALYTICS_QUEUE_NAME } from '../src/queue-names';
import { sampleEvent } from '../src/test-events';

/** What the recorder integration tests share: events, a fresh queue prefix, reading what was delivered. */

export const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The i-th request of a test: its own id and millisecond, the same API, route and consumer. */
export function event(i: number): RecordedRequest {
  return sampleEvent({
    time: 1_763_800_000_000 + i,
    requestId: `req_${String(i).padStart(8, '0')}`,
    totalMs: 3,
    upstreamMs: 2,
    bytesIn: 10,
    bytesOut: 20,
  });
}

/** What the queue's waiting jobs carry: requests counted, and the ids of the raw rows kept. */
export async function delivered(
  redisUrl: string,
  prefix: string,
): Promise<{ counted: number; rowIds: string[]; sampled: number }> {
  const { queue, close } = openQueue(redisUrl, prefix);
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
    await close();
  }
}

function openQueue(redisUrl: string, prefix: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
  const close = async () => {
    await queue.close();
    connection.disconnect();
  };
  return { queue, close };
}

/** The analytics queue under `prefix`, for a test to look into or drain; closed after the test. */
export function analyticsQueue(redisUrl: string, prefix: string): Queue {
  const { queue, close } = openQueue(redisUrl, prefix);
  cleanups.push(close);
  return queue;
}

/** The raw rows kept, for tests that log every success. */
export async function deliveredRequestIds(redisUrl: string, prefix: string): Promise<string[]> {
  return (await delivered(redisUrl, prefix)).rowIds;
}

/** Every success gets a raw row: lets a test follow each request through by its id. */
export const LOG_ALL = 1_000_000;

/** Run after each test of a file that calls useCleanups(), last registered first. */
export const cleanups: (() => Promise<void>)[] = [];

export function useCleanups(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
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

/** A fresh key prefix on the shared Redis, its keys dropped after the test. */
export function sharedRedisPrefix(): string {
  const prefix = freshPrefix();
  cleanups.push(() => dropPrefix(SHARED_REDIS, prefix));
  return prefix;
}

/** A redis-server of the test's own (started, or only given a port), stopped after the test. */
async function privateRedis(how: 'start' | 'reserve'): Promise<RedisServer> {
  const redis = await (how === 'start' ? RedisServer.start() : RedisServer.reserve());
  cleanups.push(() => redis.stop());
  return redis;
}

/** A recorder on `connection` under `prefix`, node `dpn_test`, logging nothing, closed after the test. */
function testRecorder(
  connection: string,
  prefix: string,
  options: Partial<AnalyticsRecorderOptions>,
): AnalyticsRecorder {
  const recorder = createAnalyticsRecorder({
    connection,
    prefix,
    nodeId: 'dpn_test',
    logger: silent,
    ...options,
  });
  // Closing twice is harmless, so tests that close their recorder themselves need not say so.
  cleanups.push(() => recorder.close(100));
  return recorder;
}

/** A test recorder on the shared Redis under a fresh prefix. */
export function recorderOnSharedRedis(options: Partial<AnalyticsRecorderOptions> = {}) {
  const prefix = sharedRedisPrefix();
  return { prefix, recorder: testRecorder(SHARED_REDIS, prefix, options) };
}

/** A test recorder on a redis-server of the test's own (see privateRedis). */
export async function recorderOnPrivateRedis(
  how: 'start' | 'reserve',
  options: Partial<AnalyticsRecorderOptions>,
) {
  const redis = await privateRedis(how);
  const prefix = freshPrefix();
  return { redis, prefix, recorder: testRecorder(redis.url, prefix, options) };
}
