import { type RunningProcess, startWorkerProcess } from '@portico/testkit';
import { REDIS_URL } from './worker-harness';

export type WorkerProcess = RunningProcess;

/**
 * The real worker (src/main.ts) on a test's own queue prefix, schedules off; resolves once it is
 * ready. `env` overrides (REDIS_URL for a private Redis, lock timings).
 */
export function spawnWorker(
  databaseUrl: string,
  prefix: string,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  return startWorkerProcess({
    databaseUrl,
    redisUrl: REDIS_URL,
    env: { PORTICO_QUEUE_PREFIX: prefix, PORTICO_WORKER_SCHEDULES: 'false', ...env },
  });
}
