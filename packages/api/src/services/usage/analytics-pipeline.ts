/**
 * The analytics pipeline as operators need to see it: how many batches wait in the queue between
 * the gateways and the worker, whether a worker is consuming them, and how close Redis is to the
 * memory bound past which gateways shed raw rows to keep the limiter's Redis alive.
 */

/** One look at the queue and Redis, as the control plane's reader takes it. */
export interface AnalyticsPipelineSnapshot {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** When the oldest waiting batch was added; null with nothing waiting. */
  oldestWaitingAt: Date | null;
  /** Workers connected to the queue; null where Redis does not say (e.g. CLIENT LIST refused). */
  workers: number | null;
  usedMemoryBytes: number;
  /** Redis `maxmemory`; 0 when unset. */
  maxMemoryBytes: number;
  maxMemoryPolicy: string;
}

/** Reads the pipeline from the deployment's Redis, with the bounds its gateways shed at. */
export interface AnalyticsPipelineReader {
  /** The gateways' `PORTICO_ANALYTICS_MAX_QUEUE_BACKLOG`. */
  maxQueueBacklog: number;
  /** The gateways' `PORTICO_ANALYTICS_REDIS_MEMORY_SHED_RATIO`. */
  memoryShedRatio: number;
  read(): Promise<AnalyticsPipelineSnapshot>;
}

export type AnalyticsPipelineState =
  | { available: false; reason: string }
  | {
      available: true;
      waiting: number;
      active: number;
      delayed: number;
      failed: number;
      /** Waiting and delayed batches: what the gateways compare with their bound. */
      backlog: number;
      maxQueueBacklog: number;
      oldestWaitingAgeSeconds: number | null;
      workers: number | null;
      usedMemoryBytes: number;
      maxMemoryBytes: number;
      maxMemoryPolicy: string;
      memoryShedRatio: number;
      /** True when gateways reading the same figures hold aggregates back and shed raw rows. */
      shedding: boolean;
      /** What an operator should act on, in sentences; empty when all is well. */
      warnings: string[];
    };

/** Reads and judges the pipeline; a deployment without Redis, or an unreachable one, says so. */
export async function analyticsPipelineState(
  reader: AnalyticsPipelineReader | undefined,
  now: Date,
): Promise<AnalyticsPipelineState> {
  if (reader === undefined)
    return { available: false, reason: 'the control plane has no Redis configured (REDIS_URL)' };
  let snapshot: AnalyticsPipelineSnapshot;
  try {
    snapshot = await reader.read();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, reason: `Redis did not answer: ${message}` };
  }
  const backlog = snapshot.waiting + snapshot.delayed;
  const memoryHigh =
    snapshot.maxMemoryBytes > 0 &&
    snapshot.usedMemoryBytes >= snapshot.maxMemoryBytes * reader.memoryShedRatio;
  const backlogHigh = backlog >= reader.maxQueueBacklog;
  return {
    available: true,
    waiting: snapshot.waiting,
    active: snapshot.active,
    delayed: snapshot.delayed,
    failed: snapshot.failed,
    backlog,
    maxQueueBacklog: reader.maxQueueBacklog,
    oldestWaitingAgeSeconds:
      snapshot.oldestWaitingAt === null
        ? null
        : Math.max(0, Math.round((now.getTime() - snapshot.oldestWaitingAt.getTime()) / 1000)),
    workers: snapshot.workers,
    usedMemoryBytes: snapshot.usedMemoryBytes,
    maxMemoryBytes: snapshot.maxMemoryBytes,
    maxMemoryPolicy: snapshot.maxMemoryPolicy,
    memoryShedRatio: reader.memoryShedRatio,
    shedding: backlogHigh || memoryHigh,
    warnings: pipelineWarnings(snapshot, { backlog, backlogHigh, memoryHigh, reader }),
  };
}

function pipelineWarnings(
  snapshot: AnalyticsPipelineSnapshot,
  judged: {
    backlog: number;
    backlogHigh: boolean;
    memoryHigh: boolean;
    reader: AnalyticsPipelineReader;
  },
): string[] {
  const warnings: string[] = [];
  if (judged.backlogHigh)
    warnings.push(
      `${judged.backlog} batches wait, at or past the gateways' bound of ${judged.reader.maxQueueBacklog}: gateways hold their aggregates in memory and shed raw request rows until the worker catches up. Add worker replicas.`,
    );
  if (judged.memoryHigh)
    warnings.push(
      `Redis uses ${percent(snapshot.usedMemoryBytes, snapshot.maxMemoryBytes)} of its maxmemory, at or past the shed ratio of ${Math.round(judged.reader.memoryShedRatio * 100)}%: gateways shed raw request rows to leave room for the limiter.`,
    );
  if (snapshot.maxMemoryBytes === 0)
    warnings.push(
      'Redis has no maxmemory set: a worker that falls behind lets the queue grow until Redis runs out of memory, and the limiter with it. Set maxmemory (docs/operations.md).',
    );
  if (snapshot.workers === 0 && judged.backlog > 0)
    warnings.push('No worker is connected to the analytics queue: batches wait unprocessed.');
  if (snapshot.failed > 0)
    warnings.push(
      `${snapshot.failed} batches failed every retry and wait in the failed set (kept 7 days); the worker's log says why.`,
    );
  return warnings;
}

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)}%`;
}
