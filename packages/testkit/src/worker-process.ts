import { join } from 'node:path';
import { REPO_ROOT, type RunningProcess, startProcess } from './child-process';
import { waitFor } from './wait-for';

const WORKER_DIR = join(REPO_ROOT, 'apps/worker');

export interface WorkerProcessOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Adds to or overrides the worker's environment. */
  env?: Record<string, string>;
  logFile?: string;
  /**
   * Wait for its "worker ready" log line (logged at info level, so not with LOG_LEVEL=warn);
   * true unless said otherwise.
   */
  waitUntilReady?: boolean;
}

/** The real analytics worker (apps/worker/src/main.ts through tsx) as its own process. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<RunningProcess> {
  const running = startProcess('worker', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: WORKER_DIR,
    env: { DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl, ...options.env },
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  if (options.waitUntilReady === false) return running;
  try {
    await waitFor(
      'the worker ready',
      () => {
        running.assertRunning();
        return running.output().includes('"worker ready"');
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    running.child.kill('SIGKILL');
    throw error;
  }
  return running;
}
