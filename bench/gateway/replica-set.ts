/**
 * Several gateway replicas on one Redis, as a scaled-out deployment runs them: each its own
 * process group (one cluster worker each) with its own state folder, all serving the same
 * snapshot, so the same key, plan, rate limit and quota are counted in the same Redis keys. wrk
 * runs one client per replica at the same time (a load balancer's share each) and the figures
 * are summed.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@portico/testkit';
import type { BenchRun } from './bench-run';
import { spawnGateway } from './gateway-process';
import { writeGatewayState } from './gateway-snapshot';
import { parseWrk, type WrkResult, wrkArgs } from './wrk';

const execFileAsync = promisify(execFile);

export interface ReplicaSet {
  readonly ports: readonly number[];
  readonly statusPorts: readonly number[];
  /** The clear API key every replica accepts (one snapshot for all). */
  readonly key: string;
  readonly children: readonly ChildProcess[];
}

/** Starts `count` replicas of one worker each, analytics on, from one snapshot. */
export async function startReplicaSet(
  run: BenchRun,
  options: { upstreamPort: number; count: number },
): Promise<ReplicaSet> {
  const template = join(run.work, 'replica-state');
  const key = writeGatewayState(template, options.upstreamPort);
  const ports: number[] = [];
  const statusPorts: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < options.count; i++) {
    const [port, statusPort] = [await freePort(), await freePort()];
    const stateDir = join(run.work, `replica-state-${i}`);
    cpSync(template, stateDir, { recursive: true });
    children.push(
      await spawnGateway(run, {
        port,
        statusPort,
        stateDir,
        workers: 1,
        analytics: true,
        nodeId: `bench-replica-${i}`,
      }),
    );
    ports.push(port);
    statusPorts.push(statusPort);
  }
  return { ports, statusPorts, key, children };
}

/**
 * One wrk client per URL at the same time, `connections` shared out between them; requests/s,
 * non-2xx and errors are summed, p50 is the clients' request-weighted mean, and p99 the worst
 * client's (a bound on the whole, since percentiles do not add).
 */
export async function wrkAcross(
  urls: readonly string[],
  headers: Record<string, string>,
  options: { connections: number; seconds: number },
): Promise<WrkResult> {
  const perClient = Math.max(1, Math.round(options.connections / urls.length));
  const outputs = await Promise.all(
    urls.map((url) =>
      execFileAsync(
        'wrk',
        wrkArgs({
          url,
          headers,
          threads: 1,
          connections: perClient,
          seconds: options.seconds,
          latency: true,
        }),
        { encoding: 'utf8' },
      ),
    ),
  );
  const results = outputs.map(({ stdout }) => parseWrk(stdout));
  const total = results.reduce((n, r) => n + r.requestsPerSecond, 0);
  const weightedP50 = results.reduce((n, r) => n + r.p50Ms * r.requestsPerSecond, 0);
  return {
    requestsPerSecond: total,
    p50Ms: total > 0 ? Math.round((weightedP50 / total) * 1000) / 1000 : Number.NaN,
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}
