import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { snapshotHash } from '@portico/config';
import { freePort } from './free-port';
import { waitFor } from './worker-harness';

const GATEWAY_DIR = fileURLToPath(new URL('../../gateway/', import.meta.url));

export const CONSERVATION_API_ID = 'api_conservation';

/**
 * Writes a last-known-good snapshot (one API on `/` proxying to the upstream port) into a
 * gateway state folder, so the real gateway boots serving it with no control plane running.
 */
export async function writeGatewaySnapshot(stateDir: string, upstreamPort: number): Promise<void> {
  const snapshot = {
    schemaVersion: 1,
    registries: [],
    services: [
      { id: 'svc_up', name: 'svc_up', targets: [{ host: '127.0.0.1', port: upstreamPort }] },
    ],
    apis: [
      {
        id: CONSERVATION_API_ID,
        name: 'conservation',
        slug: 'conservation',
        basePath: '/',
        serviceId: 'svc_up',
        auth: { type: 'none' },
        routes: [{ id: 'rte_all', path: '/*' }],
      },
    ],
  };
  const payload = JSON.stringify({
    published: {
      version: 1,
      hash: snapshotHash(snapshot),
      publishedAt: new Date().toISOString(),
      snapshot,
      secrets: { registries: {}, jwtSecrets: {} },
    },
    credentials: { seq: 0, set: { consumers: [], keys: [], subscriptions: [] } },
  });
  const envelope = {
    format: 1,
    savedAt: new Date().toISOString(),
    checksum: createHash('sha256').update(payload).digest('hex'),
    payload,
  };
  await writeFile(join(stateDir, 'last-known-good.json'), JSON.stringify(envelope));
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  statusUrl: string;
  exited: Promise<number | null>;
}

/** Runs the real gateway (apps/gateway/src/main.ts, one process) and waits for /readyz. */
export async function startGatewayProcess(
  stateDir: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const [port, statusPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: GATEWAY_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      // Port 9 refuses connections: the gateway serves from its snapshot, as when control is down.
      PORTICO_CONTROL_URL: 'http://127.0.0.1:9',
      PORTICO_DP_TOKEN: 'pdp_test',
      PORTICO_GATEWAY_PORT: String(port),
      PORTICO_GATEWAY_STATUS_PORT: String(statusPort),
      PORTICO_GATEWAY_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATUS_HOST: '127.0.0.1',
      PORTICO_GATEWAY_STATE_DIR: stateDir,
      PORTICO_GATEWAY_WORKERS: '1',
      PORTICO_GATEWAY_NODE_ID: 'dpn_conservation',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  try {
    await waitFor(
      'the gateway ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
        const res = await fetch(`http://127.0.0.1:${statusPort}/readyz`).catch(() => null);
        return res?.status === 200;
      },
      30_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    statusUrl: `http://127.0.0.1:${statusPort}`,
    exited,
  };
}
