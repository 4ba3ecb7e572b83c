/**
 * What the soak samples from the gateway while it runs: each process's resident memory (the
 * primary and its cluster workers by index), each worker's /metrics, and what the bench's
 * analytics queue grew to in Redis.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'undici';
import { forEachBenchQueuePage } from './bench-run';
import { processMemoryKb, processTree } from './process-memory';
import { readMetric } from './prometheus-text';

/** Metrics read from each worker's /metrics after every slice (summed over label sets). */
export const GATEWAY_METRICS = [
  'portico_gateway_in_flight_requests',
  'portico_limiter_in_flight',
  'portico_analytics_events_total',
  'portico_analytics_dropped_total',
  'portico_analytics_buffered_events',
  'portico_response_cache_memory_bytes',
] as const;
export type GatewayMetricName = (typeof GATEWAY_METRICS)[number];

export interface GatewayProcess {
  /** `primary`, or `worker <PORTICO_GATEWAY_WORKER_INDEX>`. */
  label: string;
  pid: number;
}

/** The primary and its cluster workers, labelled by worker index so a replaced worker keeps its column. */
export function gatewayProcesses(primaryPid: number): GatewayProcess[] {
  const workers = processTree(primaryPid)
    .filter((pid) => pid !== primaryPid)
    .map((pid) => ({ label: `worker ${workerIndex(pid) ?? `pid ${pid}`}`, pid }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return [{ label: 'primary', pid: primaryPid }, ...workers];
}

function workerIndex(pid: number): string | null {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((e) => e.startsWith('PORTICO_GATEWAY_WORKER_INDEX='));
    return entry?.slice('PORTICO_GATEWAY_WORKER_INDEX='.length) ?? null;
  } catch {
    return null;
  }
}

export function mb(kb: number): number {
  return Math.round((kb / 1024) * 10) / 10;
}

export interface ProcessMemory {
  label: string;
  pid: number;
  rssMb: number;
  peakRssMb: number;
}

export function sampleMemory(processes: GatewayProcess[]): ProcessMemory[] {
  return processes.map(({ label, pid }) => {
    const memory = processMemoryKb(pid);
    return {
      label,
      pid,
      rssMb: mb(memory?.rssKb ?? 0),
      peakRssMb: mb(memory?.peakRssKb ?? 0),
    };
  });
}

export type WorkerMetrics = { pid: number } & Partial<Record<GatewayMetricName, number>>;

/**
 * Each worker serves the status port on the shared socket, so one request reaches whichever
 * worker accepted the connection. /status (which names the pid) and /metrics are read on one
 * keep-alive connection so both come from the same worker; fresh connections are tried until
 * every worker answered or the attempts run out.
 */
export async function sampleGatewayMetrics(
  statusPort: number,
  workerPids: number[],
): Promise<WorkerMetrics[]> {
  const byPid = new Map<number, WorkerMetrics>();
  const attempts = Math.max(8, workerPids.length * 6);
  for (let i = 0; i < attempts && byPid.size < workerPids.length; i++) {
    const client = new Client(`http://127.0.0.1:${statusPort}`, { pipelining: 1 });
    try {
      const status = await client.request({ method: 'GET', path: '/status' });
      const { pid } = (await status.body.json()) as { pid: number };
      const metrics = await client.request({ method: 'GET', path: '/metrics' });
      const text = await metrics.body.text();
      if (byPid.has(pid)) continue;
      const sample: WorkerMetrics = { pid };
      for (const name of GATEWAY_METRICS) {
        const value = readMetric(text, name);
        if (value !== undefined) sample[name] = value;
      }
      byPid.set(pid, sample);
    } catch {
      // A worker between connections or being replaced: the next attempt tries again.
    } finally {
      await client.close();
    }
  }
  return [...byPid.values()];
}

/**
 * Measures, then deletes, what the bench's analytics queue holds in Redis. Nothing consumes that
 * queue, and at full load it grows by well over 50 MB a minute in the Redis the whole machine
 * shares; emptied after every slice (while no load runs) it never holds more than one slice.
 * Deleting under a live producer is safe: each add is one script that creates what it needs.
 */
export async function trimBenchQueue(
  queuePrefix: string,
): Promise<{ keys: number; mb: number } | null> {
  let keys = 0;
  let bytes = 0;
  const reached = await forEachBenchQueuePage(queuePrefix, async (redis, page) => {
    const pipeline = redis.pipeline();
    for (const key of page) pipeline.call('MEMORY', 'USAGE', key);
    for (const [, usage] of (await pipeline.exec()) ?? []) bytes += Number(usage ?? 0);
    keys += page.length;
    await redis.del(...page);
  });
  return reached ? { keys, mb: mb(bytes / 1024) } : null;
}
