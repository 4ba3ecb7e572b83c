import { analyticsQueueName } from '@portico/analytics';
import type { RedisClient } from '@portico/config/redis';
import type { Db } from '@portico/db';
import { type Job, Queue, Worker } from 'bullmq';
import {
  ANALYTICS_JOBS,
  checkQuotasJob,
  compactRollupsJob,
  createJobDispatcher,
  type JobContext,
  type JobSettings,
  jobNameOf,
  MAINTENANCE_JOBS,
  pruneRequestLogJob,
} from './jobs';
import type { Logger } from './logger';
import { type CloseOutcome, closeWorker, trackHeldJobs } from './worker-shutdown';

/** Queue of the scheduled jobs and webhook deliveries. */
export const MAINTENANCE_QUEUE_NAME = 'portico-maintenance';

/** How often each scheduled job runs; every worker upserts the same schedulers, so one set exists. */
export const SCHEDULES_MS = {
  [pruneRequestLogJob.name]: 60 * 60_000,
  [compactRollupsJob.name]: 15 * 60_000,
  [checkQuotasJob.name]: 60_000,
} as const;

export interface WorkerRuntimeOptions {
  db: Db;
  /** An ioredis client with maxRetriesPerRequest: null (BullMQ workers block on it). */
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  settings: JobSettings;
  logger: Logger;
  /** Register the scheduled jobs (idempotent; any number of workers may do it). */
  schedules: boolean;
  analyticsQueueName?: string;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface WorkerRuntime {
  analyticsWorker: Worker;
  maintenanceWorker: Worker;
  maintenanceQueue: Queue;
  /**
   * Stops taking jobs, waits (until `deadline`, epoch ms; default 25 s from now) for the running
   * ones to settle in Redis, then releases connections. Answers each worker's outcome by queue.
   */
  close(deadline?: number): Promise<Record<string, CloseOutcome>>;
}

/** Starts the analytics and maintenance workers on the given clients. */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { connection, prefix, logger } = options;
  const maintenanceQueue = new Queue(MAINTENANCE_QUEUE_NAME, { connection, prefix });
  maintenanceQueue.on('error', (err) =>
    logger.error({ err: err.message }, 'maintenance queue error'),
  );
  const context: JobContext = {
    db: options.db,
    logger,
    maintenanceQueue,
    settings: options.settings,
    now: options.now ?? (() => new Date()),
    fetch: options.fetch ?? fetch,
  };
  const workerOptions = {
    connection,
    prefix,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A job whose worker died is handed to another worker; only a job that keeps killing its
    // workers is given up on.
    maxStalledCount: 3,
  };
  const analyticsWorker = new Worker(
    options.analyticsQueueName ?? analyticsQueueName(),
    createJobDispatcher(ANALYTICS_JOBS, context),
    { ...workerOptions, concurrency: options.concurrency },
  );
  const maintenanceWorker = new Worker(
    MAINTENANCE_QUEUE_NAME,
    createJobDispatcher(MAINTENANCE_JOBS, context),
    {
      ...workerOptions,
      concurrency: 1,
    },
  );
  const held = new Map([analyticsWorker, maintenanceWorker].map((w) => [w, trackHeldJobs(w)]));
  for (const worker of [analyticsWorker, maintenanceWorker]) {
    worker.on('failed', (job: Job | undefined, err: Error) =>
      logger.error(
        {
          queue: worker.name,
          jobId: job?.id,
          jobName: job?.name,
          attemptsMade: job?.attemptsMade,
          err: err.message,
        },
        'job failed',
      ),
    );
    worker.on('error', (err: Error) =>
      logger.error({ queue: worker.name, err: err.message }, 'worker error'),
    );
  }
  if (options.schedules) {
    for (const [name, every] of Object.entries(SCHEDULES_MS)) {
      await maintenanceQueue.upsertJobScheduler(
        name,
        { every },
        {
          name: jobNameOf({ name, version: 1 }),
          data: {},
          opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
        },
      );
    }
  }
  await Promise.all([analyticsWorker.waitUntilReady(), maintenanceWorker.waitUntilReady()]);
  return {
    analyticsWorker,
    maintenanceWorker,
    maintenanceQueue,
    async close(deadline = Date.now() + 25_000) {
      const outcomes: Record<string, CloseOutcome> = {};
      await Promise.all(
        [...held].map(async ([worker, jobs]) => {
          outcomes[worker.name] = await closeWorker(worker, jobs, { deadline });
        }),
      );
      await maintenanceQueue.close();
      return outcomes;
    },
  };
}
