import { setTimeout as sleep } from 'node:timers/promises';
import { limiterKeyPrefixOf } from '@portico/config';
import { connectRedis, redisConnectionSettings } from '@portico/config/redis';
import { createDb } from '@portico/db';
import { loadWorkerEnv } from './env';
import { createLogger } from './logger';
import { startQuotaRestorer } from './quota/quota-restorer';
import { startWorkerRuntime } from './worker-runtime';

/** How long shutdown waits for a quota restore that is under way (it takes milliseconds). */
const RESTORE_WAIT_MS = 3_000;

/** Builds the clients, starts the workers, and closes them cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const env = loadWorkerEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const db = createDb({
    databaseUrl: env.DATABASE_URL,
    maxConnections: env.PORTICO_WORKER_CONCURRENCY + 2,
  });
  const settings = redisConnectionSettings(env);
  if (settings === null) throw new Error('REDIS_URL is required');
  const connection = connectRedis(settings, { maxRetriesPerRequest: null });
  connection.on('error', (err: Error) =>
    logger.warn({ err: err.message }, 'redis connection error'),
  );

  const runtime = await startWorkerRuntime({
    db,
    connection,
    prefix: env.PORTICO_QUEUE_PREFIX,
    concurrency: env.PORTICO_WORKER_CONCURRENCY,
    lockDurationMs: env.PORTICO_WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: env.PORTICO_WORKER_STALLED_INTERVAL_MS,
    schedules: env.PORTICO_WORKER_SCHEDULES === 'true',
    settings: {
      retentionDays: env.PORTICO_ANALYTICS_RETENTION_DAYS,
      compactAfterHours: env.PORTICO_ROLLUP_COMPACT_AFTER_HOURS,
      webhookSigningSecret: env.PORTICO_WEBHOOK_SIGNING_SECRET ?? null,
    },
    logger,
  });
  // Lost Redis data must not reset quotas: re-seed the gateways' counters from the rollups.
  const restorer = startQuotaRestorer({
    db,
    redis: connection,
    limiterKeyPrefix: limiterKeyPrefixOf(env.PORTICO_REDIS_PREFIX),
    logger,
  });
  logger.info(
    { pid: process.pid, prefix: env.PORTICO_QUEUE_PREFIX, redisPrefix: env.PORTICO_REDIS_PREFIX },
    'worker ready',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing running jobs');
    try {
      const deadline = Date.now() + env.PORTICO_WORKER_SHUTDOWN_GRACE_MS;
      const outcomes = await runtime.close(deadline);
      // A quota restore waiting on an unreachable Redis is left behind: it writes its marker
      // last and only ever raises counters, so the next worker simply does it again.
      const restoreFinished = await Promise.race([
        restorer.close().then(() => true),
        sleep(RESTORE_WAIT_MS).then(() => false),
      ]);
      if (!restoreFinished)
        logger.warn({}, 'quota counter restore left unfinished; the next worker redoes it');
      await db.$disconnect();
      connection.disconnect();
      const unsettled = Object.keys(outcomes).filter((q) => outcomes[q] === 'timed-out');
      if (unsettled.length > 0) {
        logger.error(
          { queues: unsettled },
          'worker stopped before its jobs settled; they are redelivered once their locks expire',
        );
        process.exit(1);
      }
      const unclosed = Object.keys(outcomes).filter((q) => outcomes[q] === 'settled');
      if (unclosed.length > 0)
        logger.warn(
          { queues: unclosed },
          'worker stopped with every job settled while a queue connection was still reconnecting',
        );
      logger.info({}, 'worker stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err: String(err) }, 'worker did not stop cleanly');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
