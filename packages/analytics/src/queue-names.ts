/** The BullMQ queue analytics batches travel on, from gateways to workers. */
export const ANALYTICS_QUEUE_NAME = 'portico-analytics';

/**
 * The analytics queue's name as producers and consumers use it: the one place that decides it,
 * so gateway and worker can never disagree.
 */
export function analyticsQueueName(): string {
  return ANALYTICS_QUEUE_NAME;
}

/** Name of the job that carries one per-request batch (v1); versioned so a worker can refuse what it cannot read. */
export const ANALYTICS_BATCH_JOB_NAME = 'analytics.batch@1';

/** Name of the job that carries one batch of gateway-side aggregates and kept rows (v2). */
export const ANALYTICS_AGGREGATE_BATCH_JOB_NAME = 'analytics.batch@2';

/** Key prefix of every Portico queue in Redis (BullMQ's `prefix`); hash-tagged for Redis Cluster. */
export const DEFAULT_QUEUE_PREFIX = '{portico}';
