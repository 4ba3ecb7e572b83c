import type { RedisClient } from '@portico/config/redis';
import type { Queue } from 'bullmq';

export interface QueuePressure {
  /** Jobs waiting or delayed (retries) on the analytics queue. */
  backlog: number;
  /** Redis `used_memory`. */
  usedMemoryBytes: number;
  /** Redis `maxmemory`; 0 when unset (no bound to protect). */
  maxMemoryBytes: number;
}

/** Reads the analytics queue's backlog and Redis memory use: two round trips, off the request path. */
export async function readQueuePressure(redis: RedisClient, queue: Queue): Promise<QueuePressure> {
  const [backlog, info] = await Promise.all([
    queue.getJobCountByTypes('waiting', 'delayed', 'prioritized'),
    redis.info('memory'),
  ]);
  return {
    backlog,
    usedMemoryBytes: redisInfoNumber(info, 'used_memory'),
    maxMemoryBytes: redisInfoNumber(info, 'maxmemory'),
  };
}

/** A numeric field of a Redis `INFO` answer (`field:123`); 0 when absent. */
export function redisInfoNumber(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)\\r?$`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}
