/** The BullMQ queue analytics batches travel on, from gateways to workers. */
export const ANALYTICS_QUEUE_NAME = 'portico-analytics';

/** Name of the job that carries one batch; versioned so a worker can refuse what it cannot read. */
export const ANALYTICS_BATCH_JOB_NAME = 'analytics.batch@1';

/** Key prefix of every Portico queue in Redis (BullMQ's `prefix`); hash-tagged for Redis Cluster. */
export const DEFAULT_QUEUE_PREFIX = '{portico}';
