import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, expect } from 'vitest';
import { decodeAnalyticsBatch } from '../src/aggregate-batch-codec';
import type { AnalyticsRecorder, RecordedRequest } from '../src/analytics-recorder';
import { ANALYTICS_AGGREGATE_BATCH_JOB_NAME, ANALYTICS_QUEUE_NAME } from '../src/queue-names';

/** What the recorder integration tests share: events, a fresh queue prefix, reading what was delivered. */

export const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function event(i: number): RecordedRequest {
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
export async function delivered(
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

export function track(recorder: AnalyticsRecorder): AnalyticsRecorder {
  cleanups.push(() => recorder.close(100));
  return recorder;
}

export function freshPrefix(): string {
  return `{test-analytics-${randomBytes(6).toString('hex')}}`;
}

export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
