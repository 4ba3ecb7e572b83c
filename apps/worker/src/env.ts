import { queuePrefixOf, redisPrefixForDatabase, ZRedisPrefix } from '@portico/config';
import { redisClusterEnv } from '@portico/config/redis';
import { z } from 'zod';

const ZWorkerEnvVars = z.object({
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url(),
  ...redisClusterEnv,
  /** Days the raw request log (request explorer) and processed-batch records are kept. */
  PORTICO_ANALYTICS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  /** Minute rollups older than this are folded into hourly rollups. */
  PORTICO_ROLLUP_COMPACT_AFTER_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(48),
  /** Batches processed in parallel per worker process. */
  PORTICO_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Prefix of every Redis key and queue of this deployment, shared with its control plane and
   * gateways. Default: `portico:<database name>`, as the control plane derives it.
   */
  PORTICO_REDIS_PREFIX: ZRedisPrefix.optional(),
  /** BullMQ key prefix override; by default `{<PORTICO_REDIS_PREFIX>}`, as the gateways use. */
  PORTICO_QUEUE_PREFIX: z.string().min(1).optional(),
  /** How long a job's lock lives without renewal; after it a dead worker's job is redelivered. */
  PORTICO_WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(200).default(30_000),
  /** How often workers look for jobs whose worker died. */
  PORTICO_WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * How long SIGTERM waits for the running jobs to settle before the process exits anyway (their
   * batches are redelivered once their locks expire). Below Kubernetes' default 30 s grace period,
   * so the worker says what it left before a SIGKILL would.
   */
  PORTICO_WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).default(25_000),
  /** HMAC-SHA256 key for quota webhooks; without it notifications are recorded but not sent. */
  PORTICO_WEBHOOK_SIGNING_SECRET: z.string().min(16).optional(),
  /** Set to "false" to run a worker without registering the scheduled jobs (they are shared). */
  PORTICO_WORKER_SCHEDULES: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
/** The parsed variables with the Redis prefix and queue prefix resolved. */
const ZWorkerEnv = ZWorkerEnvVars.transform((vars) => {
  const redisPrefix = vars.PORTICO_REDIS_PREFIX ?? redisPrefixForDatabase(vars.DATABASE_URL);
  return {
    ...vars,
    PORTICO_REDIS_PREFIX: redisPrefix,
    PORTICO_QUEUE_PREFIX: vars.PORTICO_QUEUE_PREFIX ?? queuePrefixOf(redisPrefix),
  };
});
export type WorkerEnv = z.infer<typeof ZWorkerEnv>;

/** Parses the worker's environment once at boot; the error names every bad variable. */
export function loadWorkerEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = ZWorkerEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid worker environment: ${problems}`);
  }
  return parsed.data;
}
