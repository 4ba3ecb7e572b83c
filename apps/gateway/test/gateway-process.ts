import { type GatewayProcess, startGatewayProcess as startGateway } from '@portico/testkit';
import { Client } from 'undici';
import { published } from './harness';

export type { GatewayProcess };

export interface GatewayCredentials {
  consumers: { id: string; name: string; status: 'active' }[];
  keys: { id: string; consumerId: string; hash: string; expiresAt: null }[];
  subscriptions: { id: string; consumerId: string; planId: string }[];
}

/**
 * The real gateway (src/main.ts, with its cluster primary and `workers` workers), booted from a
 * last-known-good snapshot in its own state folder: the config source a gateway uses when the
 * control plane is not reachable. Started once every worker answers ready: the listening socket
 * is shared, so each new connection reaches one worker, and a test must not meet one still booting.
 */
export function startGatewayProcess(options: {
  snapshot: Record<string, unknown>;
  credentials: GatewayCredentials;
  workers: number;
  env: Record<string, string>;
}): Promise<GatewayProcess> {
  const { workers } = options;
  return startGateway({
    lastKnownGood: {
      published: published(1, options.snapshot),
      credentials: { seq: 1, set: options.credentials },
    },
    workers,
    env: options.env,
    isReady: async (statusUrl) => {
      const views = await workerViews(statusUrl, workers, 4 * workers);
      return views.size === workers && [...views.values()].every((v) => v.ready);
    },
    // Generous: a loaded machine forks and boots several workers slowly, and nothing here
    // depends on how fast that is.
    readyTimeoutMs: 120_000,
  });
}

export interface WorkerView {
  ready: boolean;
  metrics: string;
}

/**
 * Each worker's readiness and metrics, by pid: `/status` and `/metrics` asked on one connection
 * (so of one worker), over fresh connections until `workers` pids are seen or `attempts` run out.
 */
export async function workerViews(
  statusUrl: string,
  workers: number,
  attempts = 20 * workers,
): Promise<Map<number, WorkerView>> {
  const views = new Map<number, WorkerView>();
  for (let i = 0; i < attempts && views.size < workers; i++) {
    const client = new Client(statusUrl, { pipelining: 0 });
    try {
      const status = await client.request({ path: '/status', method: 'GET' });
      const body = (await status.body.json()) as { pid: number; ready: boolean };
      const metrics = await client.request({ path: '/metrics', method: 'GET' });
      views.set(body.pid, { ready: body.ready, metrics: await metrics.body.text() });
    } finally {
      await client.close();
    }
  }
  return views;
}
