import { setTimeout as sleep } from 'node:timers/promises';
import type { Job, Worker } from 'bullmq';

/**
 * The jobs a BullMQ worker has taken and whose outcome Redis does not know yet. 'completed' and
 * 'failed' fire after the job has been moved to its final (or retry) set, so a job leaves this set
 * only once nothing of it depends on this process any more.
 */
export function trackHeldJobs(worker: Worker): ReadonlySet<string> {
  const held = new Set<string>();
  worker.on('active', (job: Job) => {
    if (job.id !== undefined) held.add(job.id);
  });
  const settle = (job: Job | undefined) => {
    if (job?.id !== undefined) held.delete(job.id);
  };
  worker.on('completed', settle);
  worker.on('failed', settle);
  return held;
}

/** How a worker's close ended; see `closeWorker`. */
export type CloseOutcome =
  /** BullMQ's graceful close finished. */
  | 'closed'
  /** The worker held no job for `settleMs` while BullMQ's close was still waiting on a connection. */
  | 'settled'
  /** The worker still held jobs at the deadline; Redis redelivers them once their locks expire. */
  | 'timed-out';

export interface CloseWorkerOptions {
  /** When the close gives up (epoch ms). */
  deadline: number;
  /** How long the worker must hold no job before an unfinished close counts as settled. */
  settleMs?: number;
  pollMs?: number;
}

/**
 * Closes a worker gracefully, bounded. BullMQ's graceful close stops fetching, waits for the running
 * jobs, then disconnects its blocking connection and waits for that client's 'end' event. A client
 * that is between two reconnect attempts when the close comes (Redis is down, or came back less
 * than one reconnect backoff ago: up to 5 s with ioredis' defaults) has no socket, never emits
 * 'end', and the close never resolves, so a worker told to stop just then would never exit. The
 * close therefore also counts as done once the worker has held no job for `settleMs` (time for a
 * job fetched just before the close to show up as active): everything it took is settled in Redis
 * by then, and exiting loses nothing.
 */
export async function closeWorker(
  worker: Worker,
  held: ReadonlySet<string>,
  options: CloseWorkerOptions,
): Promise<CloseOutcome> {
  const { deadline, settleMs = 2_000, pollMs = 50 } = options;
  let closed = false;
  // close() reports its cleanup errors as 'error' events; a rejection is caught all the same,
  // since the close may still be pending after this function has answered 'settled'.
  const closing = worker
    .close()
    .catch(() => undefined)
    .finally(() => {
      closed = true;
    });
  let idleSince: number | null = null;
  for (;;) {
    await Promise.race([closing, sleep(pollMs)]);
    if (closed) return 'closed';
    const now = Date.now();
    if (held.size > 0) idleSince = null;
    else {
      idleSince ??= now;
      if (now - idleSince >= settleMs) return 'settled';
    }
    if (now >= deadline) return 'timed-out';
  }
}
