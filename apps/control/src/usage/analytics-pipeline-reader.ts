import { analyticsQueueName, redisInfoNumber } from '@portico/analytics';
import type { AnalyticsPipelineReader, AnalyticsPipelineSnapshot } from '@portico/api';
import type { RedisClient } from '@portico/config/redis';
import { Queue } from 'bullmq';

/** A console read waits at most this long for Redis before saying it did not answer. */
const READ_BUDGET_MS = 1_000;

/**
 * Reads the analytics queue (BullMQ's own counts, the oldest waiting batch, its workers) and Redis
 * memory from the deployment's Redis, with the bounds the gateways shed at. The queue object is
 * made once and reuses the control plane's connection; reads fail fast when it is not connected.
 */
export function redisAnalyticsPipelineReader(options: {
  redis: RedisClient;
  queuePrefix: string;
  maxQueueBacklog: number;
  memoryShedRatio: number;
}): AnalyticsPipelineReader & { close(): Promise<void> } {
  const { redis } = options;
  const queue = new Queue(analyticsQueueName(), { connection: redis, prefix: options.queuePrefix });
  // A Queue re-emits its connection's errors; the control plane logs those where it made the client.
  queue.on('error', () => undefined);
  return {
    maxQueueBacklog: options.maxQueueBacklog,
    memoryShedRatio: options.memoryShedRatio,
    async read() {
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READ_BUDGET_MS} ms`)),
          READ_BUDGET_MS,
        );
      });
      try {
        return await Promise.race([readSnapshot(queue, redis), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await queue.close();
    },
  };
}

async function readSnapshot(queue: Queue, redis: RedisClient): Promise<AnalyticsPipelineSnapshot> {
  const [counts, oldest, workers, memory] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
    // Oldest first: the batch that has waited longest tells how far behind the worker is.
    queue.getJobs(['waiting'], 0, 0, true),
    // CLIENT LIST may be refused (managed Redis, ACLs): then the count is unknown, not zero.
    queue.getWorkersCount().catch(() => null),
    redis.info('memory'),
  ]);
  const first = oldest[0];
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingAt: first === undefined ? null : new Date(first.timestamp),
    workers,
    usedMemoryBytes: redisInfoNumber(memory, 'used_memory'),
    maxMemoryBytes: redisInfoNumber(memory, 'maxmemory'),
    maxMemoryPolicy: /^maxmemory_policy:(\S+)/m.exec(memory)?.[1] ?? 'unknown',
  };
}
