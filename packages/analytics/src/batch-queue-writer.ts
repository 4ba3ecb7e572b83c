import {
  connectRedis,
  type RedisClient,
  type RedisConnectionSettings,
} from '@portico/config/redis';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { encodeAggregateBatch, type KeptRow } from './aggregate-batch-codec';
import { anonymiseIp } from './anonymise-ip';
import { settledOrTimeout, withTimeout } from './promise-deadlines';
import { ANALYTICS_AGGREGATE_BATCH_JOB_NAME, DEFAULT_QUEUE_PREFIX } from './queue-names';
import { readQueuePressure } from './queue-pressure';
import type { AnalyticsLogger } from './recorder-options';
import type { UsageAggregate } from './usage-aggregate';

/** A batch once cut: immutable, sent (and retried) under its own id until Redis takes it. */
export interface PendingBatch {
  id: string;
  aggregate: UsageAggregate;
  rows: KeptRow[];
  attempts: number;
  /** Client addresses already anonymised (a retried batch must not be processed twice). */
  anonymised?: boolean;
}

export interface BatchQueueWriterOptions {
  connection: RedisConnectionSettings | RedisOptions | string;
  queueName: string;
  prefix: string | undefined;
  nodeId: string;
  anonymiseIp: boolean;
  maxQueueBacklog: number;
  redisMemoryShedRatio: number;
  logger: AnalyticsLogger;
  /** Called when the connection (re)opens, so a batch waiting out its back-off can go at once. */
  onReady: () => void;
  /**
   * Called for every connection, send or pressure error (the caller rate-limits its log). A
   * pressure look that fails or is slow (a saturated machine can delay Redis's answer past its
   * bound) leaves the shedding state as it was; it does not mean Redis is out of reach.
   */
  onError: (err: unknown, during: 'connection' | 'pressure') => void;
}

const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 5_000;
/** A single add that takes longer than this is treated as failed and retried under the same job id. */
const ADD_TIMEOUT_MS = 10_000;
/** How long one look at the queue's backlog and Redis memory may take before it counts as failed. */
const PRESSURE_TIMEOUT_MS = 2_000;

/**
 * The recorder's side of Redis: one producer connection and queue, adding a cut batch as one
 * BullMQ job (job id = batch id, so a retried add never enqueues it twice), and looking at the
 * queue's backlog and Redis memory to tell the recorder when to hold back.
 */
export class BatchQueueWriter {
  /** Analytics jobs waiting in Redis when last looked at (-1 before the first look). */
  queueBacklog = -1;
  /** True while the backlog or Redis memory is past its bound. */
  shedding = false;
  private pressureCheck: Promise<void> | null = null;
  private readonly redis: RedisClient;
  private readonly queue: Queue;

  constructor(private readonly options: BatchQueueWriterOptions) {
    this.redis = buildProducerConnection(options.connection);
    this.redis.on('error', (err: Error) => options.onError(err, 'connection'));
    this.redis.on('ready', () => options.onReady());
    this.queue = new Queue(options.queueName, {
      connection: this.redis,
      prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX,
    });
    this.queue.on('error', (err: Error) => options.onError(err, 'connection'));
  }

  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** Adds `batch` as one job; rejects (to be retried under the same id) when Redis does not take it. */
  async send(batch: PendingBatch): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
    if (this.options.anonymiseIp && !batch.anonymised) {
      for (const row of batch.rows)
        if (row.clientIp !== null) row.clientIp = anonymiseIp(row.clientIp);
      batch.anonymised = true;
    }
    const payload = encodeAggregateBatch(
      batch.id,
      this.options.nodeId,
      batch.aggregate,
      batch.rows,
    );
    await withTimeout(
      this.queue.add(ANALYTICS_AGGREGATE_BATCH_JOB_NAME, payload, {
        jobId: batch.id,
        // Processing retries (e.g. Postgres briefly away) are safe: the worker is idempotent per batch.
        attempts: 8,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: { age: 3_600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3_600 },
      }),
      ADD_TIMEOUT_MS,
      'adding the batch timed out',
    );
  }

  /** Looks at the queue's backlog and Redis memory (off the request path, once per interval). */
  checkPressure(): void {
    if (this.pressureCheck !== null || this.redis.status !== 'ready') return;
    const { maxQueueBacklog, redisMemoryShedRatio, logger, onError } = this.options;
    // Bounded: a look that Redis never answers (it went away mid-call) must not stop the next ones.
    this.pressureCheck = withTimeout(readQueuePressure(this.redis, this.queue), PRESSURE_TIMEOUT_MS)
      .then(
        (pressure) => {
          this.queueBacklog = pressure.backlog;
          const memoryHigh =
            pressure.maxMemoryBytes > 0 &&
            pressure.usedMemoryBytes >= pressure.maxMemoryBytes * redisMemoryShedRatio;
          const next = pressure.backlog >= maxQueueBacklog || memoryHigh;
          if (next !== this.shedding) {
            logger.warn(
              {
                backlog: pressure.backlog,
                maxBacklog: maxQueueBacklog,
                usedMemoryBytes: pressure.usedMemoryBytes,
              },
              next
                ? 'analytics: queue backlog or Redis memory past its bound; holding aggregates in memory and shedding raw rows'
                : 'analytics: backpressure cleared; sending again',
            );
          }
          this.shedding = next;
        },
        (err: unknown) => onError(err, 'pressure'),
      )
      .finally(() => {
        this.pressureCheck = null;
      });
  }

  /** Waits (bounded) for a pressure look under way, then releases the queue and the connection. */
  async close(): Promise<void> {
    await settledOrTimeout(this.pressureCheck, PRESSURE_TIMEOUT_MS);
    await this.queue.close().catch(() => undefined);
    this.redis.disconnect();
  }
}

/** How long a batch that failed `attempts` times waits before the next try. */
export function backoffMs(attempts: number): number {
  const base = Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
  // Jitter spreads the retries of many gateways after a shared Redis outage.
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function buildProducerConnection(
  connection: RedisConnectionSettings | RedisOptions | string,
): RedisClient {
  // No offline queue: a command on a dead connection fails at once instead of piling up in
  // memory behind the request path; the recorder's own bounded buffer does the waiting.
  const overrides: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5_000),
  };
  if (typeof connection === 'string') return new Redis(connection, overrides);
  if (isConnectionSettings(connection)) return connectRedis(connection, overrides);
  return new Redis({ ...connection, ...overrides });
}

function isConnectionSettings(
  connection: RedisConnectionSettings | RedisOptions,
): connection is RedisConnectionSettings {
  return 'cluster' in connection && 'seeds' in connection;
}
