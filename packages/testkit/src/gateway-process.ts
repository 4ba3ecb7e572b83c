import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, type RunningProcess, startProcess } from './child-process';
import { freePort } from './free-port';
import { type GatewayState, writeLastKnownGood } from './gateway-state';
import { waitFor } from './wait-for';

const GATEWAY_DIR = join(REPO_ROOT, 'apps/gateway');

export interface GatewayProcessOptions {
  /** Port 9 (refuses connections) unless given: the gateway serves from its snapshot. */
  controlUrl?: string;
  dpToken?: string;
  /** A fresh temporary folder, removed at stop, unless given. */
  stateDir?: string;
  /** Written into the state folder before the gateway starts. */
  lastKnownGood?: GatewayState;
  workers?: number;
  /** Adds to or overrides the gateway's environment. */
  env?: Record<string, string>;
  logFile?: string;
  /** When the gateway counts as started; `/readyz` answering 200 unless given. */
  isReady?: (statusUrl: string) => Promise<boolean>;
  readyTimeoutMs?: number;
}

export interface GatewayProcess extends RunningProcess {
  url: string;
  statusUrl: string;
  stateDir: string;
}

/** The real gateway (apps/gateway/src/main.ts through tsx, its cluster primary and workers). */
export async function startGatewayProcess(
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'portico-gw-process-')));
  if (options.lastKnownGood) await writeLastKnownGood(stateDir, options.lastKnownGood);
  const [port, statusPort] = [await freePort(), await freePort()];
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const running = startProcess('gateway', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: GATEWAY_DIR,
    env: {
      PORTICO_CONTROL_URL: options.controlUrl ?? 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: options.dpToken ?? 'pdp_test',
      PORTICO_GATEWAY_PORT: String(port),
      PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
      PORTICO_GATEWAY_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATE_DIR: stateDir,
      PORTICO_GATEWAY_WORKERS: String(options.workers ?? 1),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
  const removeState = async () => {
    if (ownStateDir) await rm(stateDir, { recursive: true, force: true });
  };
  const isReady = options.isReady ?? readyz;
  try {
    await waitFor(
      'the gateway ready',
      async () => {
        running.assertRunning();
        return isReady(statusUrl).catch(() => false);
      },
      { timeoutMs: options.readyTimeoutMs ?? 30_000 },
    );
  } catch (error) {
    running.child.kill('SIGKILL');
    await running.exited;
    await removeState();
    throw error;
  }
  return {
    ...running,
    url: `http://127.0.0.1:${port}`,
    statusUrl,
    stateDir,
    async stop() {
      await running.stop();
      await removeState();
    },
  };
}

async function readyz(statusUrl: string): Promise<boolean> {
  const response = await fetch(`${statusUrl}/readyz`);
  await response.arrayBuffer();
  return response.status === 200;
}
