/**
 * One benchmark run's lifecycle: its temporary directory, its analytics queue prefix in the shared
 * Redis, the child processes it started, and their cleanup; plus the readiness wait every start-up
 * needs (free ports come from @portico/testkit).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@portico/testkit';
import { Redis } from 'ioredis';

/** The repository root, so runs behave the same whatever the working directory. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The local Redis every benchmark shares with the rest of the machine; only the bench's keys are touched. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** One run's private pieces: a temporary directory, a queue prefix and the processes it started. */
export interface BenchRun {
  readonly work: string;
  readonly queuePrefix: string;
  readonly children: ChildProcess[];
}

/** Creates the temporary directory and the per-process queue prefix of one run. */
export function createBenchRun(): BenchRun {
  return {
    work: mkdtempSync(join(tmpdir(), 'portico-bench-')),
    queuePrefix: `{portico-bench-${process.pid}}`,
    children: [],
  };
}

/** Sends SIGTERM to every child still running; synchronous, so it also works in an `exit` handler. */
export function signalChildren(run: BenchRun): void {
  for (const child of run.children) if (child.exitCode === null) child.kill('SIGTERM');
}

/**
 * SIGTERMs the children and waits for them to exit (SIGKILL after `timeoutMs`): a gateway flushes
 * its analytics buffer on SIGTERM, and the queue may only be dropped once nothing writes to it.
 */
export async function stopChildren(run: BenchRun, timeoutMs = 15_000): Promise<void> {
  const running = run.children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = running.map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  for (const child of running) child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([Promise.all(exited), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout')
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * The run of a bench that owns its process: its children are signalled however the process
 * exits, and Ctrl-C exits with 130 (which runs that exit hook).
 */
export function createProcessBenchRun(): BenchRun {
  const run = createBenchRun();
  process.on('exit', () => signalChildren(run));
  process.on('SIGINT', () => process.exit(130));
  return run;
}

/** Removes the temporary directory and the bench's analytics queue. */
export async function removeBenchRun(run: BenchRun): Promise<void> {
  rmSync(run.work, { recursive: true, force: true });
  await dropBenchQueue(run.queuePrefix);
}

/** Waits until `url` answers `expectStatus` (a server that refuses connections is still starting). */
export async function waitForStatus(
  url: string,
  expectStatus: number,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    `${url} to answer ${expectStatus}`,
    async () => {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status === expectStatus;
    },
    { timeoutMs, intervalMs: 100, retryErrors: true },
  );
}

/**
 * Runs a bench's `main`, then stops its children and removes its work directory and queue
 * whatever happened; a failure is printed and sets the exit code.
 */
export function runBench(run: BenchRun, main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(async () => {
      signalChildren(run);
      await removeBenchRun(run);
    });
}

/**
 * Hands the keys under the bench's queue prefix to `visit`, one SCAN page at a time. False when
 * Redis could not be reached (then nothing the bench wrote can be there to clean up either).
 */
export async function forEachBenchQueuePage(
  queuePrefix: string,
  visit: (redis: Redis, keys: string[]) => Promise<void>,
): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await visit(redis, keys);
    } while (cursor !== '0');
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Removes the bench's analytics jobs from Redis; they were never meant to be counted. */
export async function dropBenchQueue(queuePrefix: string): Promise<void> {
  await forEachBenchQueuePage(queuePrefix, async (redis, keys) => {
    await redis.del(...keys);
  });
}
