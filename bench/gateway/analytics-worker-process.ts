/**
 * The analytics worker as the full-system rows run it: the production bundle
 * (`apps/worker/dist/main.mjs`) on its own fresh Postgres database, consuming the bench gateway's
 * queue. It is paused (SIGSTOP) while the other targets are measured and resumed for its own
 * samples, so the full-system rows take their turn in every round beside nginx and Caddy instead
 * of minutes after them; what queued up while it was paused it works off during its samples,
 * which makes those samples pessimistic rather than flattering.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyticsQueueName } from '@portico/analytics';
import { createTestDatabase } from '@portico/db/testing';
import { Queue } from 'bullmq';
import { type BenchRun, REDIS_URL, ROOT } from './bench-run';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface AnalyticsWorkerProcess {
  readonly child: ChildProcess;
  /** Lets the worker run (SIGCONT). */
  resume(): void;
  /** Stops the worker from being scheduled at all (SIGSTOP): it then costs the machine nothing. */
  pause(): void;
  /** CPU time (user + system) the worker process has used so far, in seconds. */
  cpuSeconds(): number;
  /** Waits until the queue holds no waiting or active job (the worker caught up), or `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Requests the worker counted into `usage_minutes`. */
  countedRequests(): Promise<number>;
  /** SIGTERM (after SIGCONT), waits for the exit, drops the database. */
  stop(): Promise<void>;
}

/** Builds `apps/worker/dist/main.mjs`, the bundle production runs. */
export function buildWorkerBundle(): void {
  console.log('building the worker bundle');
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'apps/worker'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Starts the worker bundle on a fresh database and returns it running. */
export async function startAnalyticsWorker(run: BenchRun): Promise<AnalyticsWorkerProcess> {
  const database = await createTestDatabase();
  const child = spawn(process.execPath, [join(ROOT, 'apps/worker/dist/main.mjs')], {
    cwd: join(ROOT, 'apps/worker'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      REDIS_URL,
      PORTICO_QUEUE_PREFIX: run.queuePrefix,
      PORTICO_WORKER_SCHEDULES: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  run.children.push(child);
  const queue = new Queue(analyticsQueueName(), {
    connection: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 },
    prefix: run.queuePrefix,
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
  };
  return {
    child,
    resume: () => signal('SIGCONT'),
    pause: () => signal('SIGSTOP'),
    cpuSeconds: () => processCpuSeconds(child.pid ?? 0),
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) return true;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return false;
    },
    async countedRequests() {
      const [row] = await database.db.$queryRaw<{ n: bigint }[]>`
        SELECT COALESCE(sum(count), 0)::bigint AS n FROM usage_minutes`;
      return Number(row?.n ?? 0n);
    },
    async stop() {
      signal('SIGCONT');
      signal('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      await queue.close();
      await database.drop();
    },
  };
}

/** utime + stime of one process from /proc, in seconds; 0 once it is gone. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime is the 12th
    // of them (field 14 overall), stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
