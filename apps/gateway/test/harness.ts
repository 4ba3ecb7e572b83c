import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyticsRecorder, RecordedRequest } from '@portico/analytics';
import { type CredentialSet, type CredentialSetInput, snapshotHash } from '@portico/config';
import type { Dispatcher } from 'undici';
import { expect } from 'vitest';

import { createGateway, type Gateway } from '../src/gateway';
import type { Limiter } from '../src/limits/limiter-types';

// Every gateway test polls the same way as the rest of the tree.
export { eventually } from '@portico/testkit';

export interface Upstream {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** A real HTTP server on an ephemeral loopback port. */
export async function startUpstream(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Upstream> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Upstream answering JSON describing the request it received. */
export function echoHandler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
}

/** The echo handler, counting the requests it answers: proves a refused one never got there. */
export class CountingEcho {
  hits = 0;
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    this.hits++;
    echoHandler(req, res);
  };
}

export interface EchoBody {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A published config as the control plane sends it: version, hash over the snapshot, secrets. */
export function published(
  version: number,
  snapshot: Record<string, unknown>,
  jwtSecrets: Record<string, string> = {},
) {
  const full = { schemaVersion: 1, registries: [], ...snapshot };
  return {
    version,
    hash: snapshotHash(full),
    publishedAt: new Date().toISOString(),
    snapshot: full,
    secrets: { registries: {}, jwtSecrets },
  };
}

export function service(
  id: string,
  targets: { host: string; port: number; weight?: number }[],
  extra: Record<string, unknown> = {},
) {
  return { id, name: id, targets, ...extra };
}

export { apiOf } from '@portico/testkit';

/** Records events in memory: the analytics interface the proxy calls, observed directly. */
export class CapturingAnalytics implements AnalyticsRecorder {
  readonly events: RecordedRequest[] = [];
  record(event: RecordedRequest): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
  stats() {
    return {
      recorded: this.events.length,
      dropped: 0,
      sent: 0,
      batchesSent: 0,
      sendFailures: 0,
      buffered: 0,
      redisReady: false,
    };
  }
  metricsText(): string {
    return '';
  }
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  port: number;
  statusUrl: string;
  stateDir: string;
  analytics: CapturingAnalytics;
  /** Applies a sync response as if the control plane had sent it. */
  feed(
    config: unknown,
    credentials?: { seq: number; set: CredentialSetInput } | { seq: number; changes: unknown[] },
  ): Promise<boolean>;
  close(): Promise<void>;
}

export const EMPTY_CREDENTIALS: CredentialSet = {
  consumers: [],
  keys: [],
  subscriptions: [],
  credentials: [],
};

export async function startGateway(
  options: {
    controlUrl?: string;
    token?: string;
    limiter?: Limiter | null;
    stateDir?: string;
    trustedProxies?: string[];
    start?: boolean;
  } = {},
): Promise<TestGateway> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'portico-gw-')));
  const analytics = new CapturingAnalytics();
  const gateway = createGateway({
    // Port 9 (discard) on loopback refuses connections: "control plane down" unless one is given.
    controlUrl: options.controlUrl ?? 'http://127.0.0.1:9',
    token: options.token ?? 'pdp_test',
    nodeId: `test-${process.pid}`,
    stateDir,
    syncWaitSeconds: 5,
    trustedProxies: options.trustedProxies ?? [],
    maxHeaderBytes: 65_536,
    logLevel: 'silent',
    limiter: options.limiter ?? null,
    analytics,
    minBackoffMs: 50,
    maxBackoffMs: 500,
    statusIntervalMs: 300,
  });
  if (options.start !== false) await gateway.start();
  await gateway.proxy.listen({ port: 0, host: '127.0.0.1' });
  await gateway.status.listen({ port: 0, host: '127.0.0.1' });
  const port = (gateway.proxy.server.address() as AddressInfo).port;
  const statusPort = (gateway.status.server.address() as AddressInfo).port;
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    port,
    statusUrl: `http://127.0.0.1:${statusPort}`,
    stateDir,
    analytics,
    feed: (config, credentials) =>
      gateway.sync.applyResponse({
        config,
        credentials: credentials
          ? 'set' in credentials
            ? { mode: 'full', ...credentials }
            : { mode: 'delta', ...credentials }
          : { mode: 'delta', seq: gateway.runtime.current.credentials.seq, changes: [] },
      }),
    async close() {
      await gateway.close(1000);
      // rm retries ENOTEMPTY: a snapshot write (tmp file, then rename) may finish as close returns.
      if (!options.stateDir)
        await rm(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/** Sends bytes exactly as given on a fresh connection and returns everything the server answered. */
export async function rawExchange(
  port: number,
  payload: string,
  timeoutMs = 3000,
): Promise<string> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(payload, 'latin1');
  });
}

/**
 * A gateway syncing from a running control plane under its own data-plane token, returned once
 * it has applied the control plane's published config.
 */
export async function startSyncedGateway(
  control: { readonly url: string; trpc<T>(path: string, input: unknown): Promise<T> },
  nodeName: string,
): Promise<TestGateway> {
  const { token } = await control.trpc<{ token: string }>('tokens.createMachine', {
    kind: 'dataplane',
    name: nodeName,
  });
  const gw = await startGateway({ controlUrl: control.url, token });
  await gw.gateway.sync.waitForConfig();
  return gw;
}

/** Opens the gateway's TLS listener on an ephemeral loopback port and returns the port. */
export async function listenOnTls(gw: TestGateway): Promise<number> {
  const server = gw.gateway.tlsProxy.server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/**
 * Asserts that an answer is the gateway refusing with `status` and error `code`, as
 * application/problem+json (every error a client can see is one).
 */
export async function expectProblem(
  res: Dispatcher.ResponseData,
  status: number,
  code: string,
): Promise<void> {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(((await res.body.json()) as { code?: string }).code).toBe(code);
}
