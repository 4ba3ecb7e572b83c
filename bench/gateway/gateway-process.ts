/** The gateway bundle as the benches run it: built once, started on loopback from a snapshot. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type BenchRun, REDIS_URL, ROOT, waitForStatus } from './bench-run';
import { type GatewayStateExtras, writeGatewayState } from './gateway-snapshot';

/** Builds `apps/gateway/dist/main.mjs`, the bundle the benchmarks run. */
export function buildGatewayBundle(): void {
  console.log('building the gateway bundle');
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'apps/gateway'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Where and how one gateway process runs; its config comes from the snapshot in `stateDir`. */
export interface GatewayProcessOptions {
  readonly port: number;
  readonly statusPort: number;
  readonly stateDir: string;
  readonly workers: number;
  readonly analytics: boolean;
  /** Names the node in the gateway's analytics and logs. */
  readonly nodeId: string;
  /** Also serve the proxy over TLS on this port. */
  readonly tlsPort?: number;
}

/**
 * Spawns the gateway bundle on loopback, with no reachable control plane so it serves its
 * last-known-good snapshot, and waits until it is ready.
 */
export async function spawnGateway(
  run: BenchRun,
  options: GatewayProcessOptions,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'apps/gateway/dist/main.mjs')], {
    cwd: join(ROOT, 'apps/gateway'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORTICO_CONTROL_URL: 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: 'pdp_bench',
      PORTICO_GATEWAY_PORT: String(options.port),
      PORTICO_GATEWAY_STATUS_PORT: String(options.statusPort),
      PORTICO_GATEWAY_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATE_DIR: options.stateDir,
      PORTICO_GATEWAY_WORKERS: String(options.workers),
      PORTICO_GATEWAY_NODE_ID: options.nodeId,
      REDIS_URL: REDIS_URL,
      PORTICO_ANALYTICS_ENABLED: options.analytics ? 'true' : 'false',
      // Its own queue, so a local worker never counts bench traffic as real usage.
      PORTICO_QUEUE_PREFIX: run.queuePrefix,
      LOG_LEVEL: 'error',
      ...(options.tlsPort === undefined
        ? {}
        : { PORTICO_GATEWAY_TLS_PORT: String(options.tlsPort) }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  run.children.push(child);
  await waitForStatus(`http://127.0.0.1:${options.statusPort}/readyz`, 200);
  return child;
}

/**
 * Starts the gateway with the bench's keyed and open APIs (see writeGatewayState) and returns
 * the clear API key with the process.
 */
export async function startGateway(
  run: BenchRun,
  options: GatewayStateExtras & {
    upstreamPort: number;
    port: number;
    statusPort: number;
    workers: number;
    analytics: boolean;
    /** The TLS listener's port, serving `certificates`. */
    tlsPort?: number;
  },
): Promise<{ key: string; child: ChildProcess }> {
  const { port, statusPort } = options;
  const stateDir = join(run.work, `gateway-state-${port}`);
  const key = writeGatewayState(stateDir, options.upstreamPort, options);
  const child = await spawnGateway(run, {
    port,
    statusPort,
    stateDir,
    workers: options.workers,
    analytics: options.analytics,
    nodeId: `bench-${port}`,
    ...(options.tlsPort === undefined ? {} : { tlsPort: options.tlsPort }),
  });
  return { key, child };
}
