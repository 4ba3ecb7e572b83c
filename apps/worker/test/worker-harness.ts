import { randomBytes } from 'node:crypto';
import {
  ANALYTICS_QUEUE_NAME,
  type AnalyticsRecorderOptions,
  createAnalyticsRecorder,
  type RequestEvent,
} from '@portico/analytics';
import { sampleEvent } from '@portico/analytics/testing';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { silentLogger } from '../src/logger';
import {
  startWorkerRuntime,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from '../src/worker-runtime';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh database and a fresh BullMQ prefix per test file, torn down by `close()`. */
export async function createWorkerHarness() {
  const database = await createTestDatabase();
  const prefix = `{test-worker-${randomBytes(6).toString('hex')}}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const closers: (() => Promise<unknown>)[] = [];

  const harness = {
    db: database.db as Db,
    url: database.url,
    prefix,
    connection,

    async startRuntime(overrides: Partial<WorkerRuntimeOptions> = {}): Promise<WorkerRuntime> {
      const runtime = await startWorkerRuntime({
        db: database.db,
        connection,
        prefix,
        concurrency: 2,
        lockDurationMs: 30_000,
        stalledIntervalMs: 30_000,
        settings: { retentionDays: 7, compactAfterHours: 48, webhookSigningSecret: null },
        logger: silentLogger,
        schedules: false,
        ...overrides,
      });
      closers.push(() => runtime.close());
      return runtime;
    },

    recorder(overrides: Partial<AnalyticsRecorderOptions> = {}) {
      const recorder = createAnalyticsRecorder({
        connection: REDIS_URL,
        prefix,
        nodeId: 'dpn_test',
        flushIntervalMs: 50,
        // Every success gets a raw row unless a test asks for sampling, so rows can be counted.
        logSuccessesPerSecond: 1_000_000,
        logger: silentLogger,
        ...overrides,
      });
      closers.push(() => recorder.close(1_000));
      return recorder;
    },

    analyticsQueue(): Queue {
      const queue = new Queue(ANALYTICS_QUEUE_NAME, { connection, prefix });
      closers.push(() => queue.close());
      return queue;
    },

    /** Requests counted in minute plus hour rollups. */
    async rollupTotal(): Promise<number> {
      const [row] = await database.db.$queryRaw<{ n: bigint }[]>`
        SELECT (COALESCE((SELECT sum(count) FROM usage_minutes), 0)
          + COALESCE((SELECT sum(count) FROM usage_hours), 0))::bigint AS n`;
      return Number(row?.n ?? 0n);
    },

    async count(table: 'request_log' | 'analytics_batches' | 'usage_minutes'): Promise<number> {
      const rows = await database.db.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*)::bigint AS n FROM ${table}`,
      );
      return Number(rows[0]?.n ?? 0n);
    },

    async close(): Promise<void> {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      const keys = await connection.keys(`${prefix}:*`);
      if (keys.length > 0) await connection.del(...keys);
      connection.disconnect();
      await database.drop();
    },
  };
  return harness;
}

export type WorkerHarness = Awaited<ReturnType<typeof createWorkerHarness>>;

let sequence = 0;
/** A request event for tests with unique request ids. */
export function requestEvent(overrides: Partial<RequestEvent> = {}): RequestEvent {
  sequence++;
  return sampleEvent({
    time: Date.now(),
    requestId: `req_${process.pid}_${sequence}_${randomBytes(3).toString('hex')}`,
    totalMs: 12,
    upstreamMs: 10,
    bytesIn: 100,
    bytesOut: 1000,
    clientIp: '127.0.0.1',
    ...overrides,
  });
}
