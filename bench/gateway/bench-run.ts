/**
 * One benchmark run's lifecycle: its temporary directory, its analytics queue prefix in the shared
 * Redis, the child processes it started, and their cleanup; plus the free loopback ports and the
 * readiness wait every start-up needs.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Removes the temporary directory and the bench's analytics queue. */
export async function removeBenchRun(run: BenchRun): Promise<void> {
  rmSync(run.work, { recursive: true, force: true });
  await dropBenchQueue(run.queuePrefix);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor(
  url: string,
  expectStatus: number,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === expectStatus) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${expectStatus} in time`);
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
