/**
 * The data-plane sync endpoints on a fresh database, as a gateway sees them: the plugin alone on
 * Fastify, a data-plane token, an operator caller to publish and revoke with, and a poll of
 * /dp/v1/config that parses the answer with the wire schema.
 */
import { randomBytes } from 'node:crypto';
import type { createAppCaller } from '@portico/api';
import { type SyncResponse, ZSyncResponse } from '@portico/config';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import Fastify from 'fastify';
import { createChangeFeed } from '../src/dp/change-feed';
import { dataPlaneSyncPlugin } from '../src/dp/plugin';
import { createMachineToken } from '../src/testing/machine-tokens';
import { ownerCaller } from './owner-caller';

export interface PollResult {
  status: number;
  body: SyncResponse | null;
  receivedAt: number;
}

/** What the dp-sync tests share: the endpoints' base URL and what reads and changes their data. */
export interface DpSyncHarness {
  readonly db: Db;
  readonly baseUrl: string;
  /** A live data-plane token, the one `poll` sends unless told otherwise. */
  readonly dpToken: string;
  /** An owner's tRPC caller on the same database, to publish, create and revoke. */
  caller(): ReturnType<typeof createAppCaller>;
  /** Creates a machine token of `kind` (revoked already when asked) and returns its secret. */
  machineToken(kind: 'dataplane' | 'registry', revoked?: boolean): Promise<string>;
  poll(
    query: { version?: number; hash?: string; seq?: number; waitSeconds: number },
    options?: { token?: string | null; nodeId?: string | null },
  ): Promise<PollResult>;
  /** Waits (bounded) until `node` has polled after `since`, i.e. its long-poll is in flight. */
  waitForNodeSeen(nodeId: string, since: Date): Promise<void>;
  /** The newest config version and credential-log position, as an up-to-date gateway holds them. */
  latestPosition(): Promise<{ version: number; hash: string; seq: number }>;
  close(): Promise<void>;
}

/** A declarative document with one static and one discovered service, published at start. */
export const documentWith = (port: number) => ({
  registries: [
    {
      name: 'consul-main',
      type: 'consul',
      address: 'http://127.0.0.1:8500',
      credentials: { token: 'reg-secret' },
    },
  ],
  services: [
    { name: 'orders', targets: [`127.0.0.1:${port}`] },
    { name: 'billing', discovery: { registry: 'consul-main', service: 'billing' } },
  ],
  apis: [
    { name: 'orders-api', basePath: '/orders', service: 'orders' },
    { name: 'billing-api', basePath: '/billing', service: 'billing' },
  ],
  plans: [{ name: 'free', apis: ['orders-api'] }],
  consumers: [{ name: 'acme', plans: ['free'] }],
});

/** Starts the sync plugin on an ephemeral port over a fresh database holding `documentWith(9501)`. */
export async function startDpSyncHarness(): Promise<DpSyncHarness> {
  const database = await createTestDatabase();
  const db = database.db;
  const secretKey = randomBytes(32);
  const feed = createChangeFeed(database.url);
  await feed.ready;
  const app = Fastify({ logger: false });
  await app.register(dataPlaneSyncPlugin, {
    db,
    changeFeed: feed,
    secretKey,
    redisPrefix: 'portico:dp_sync_test',
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });

  const caller = () => ownerCaller(db, secretKey, 'usr_dp_test_owner');

  async function machineToken(kind: 'dataplane' | 'registry', revoked = false): Promise<string> {
    const token = await createMachineToken(db, {
      kind,
      name: `${kind}-${revoked ? 'revoked' : 'live'}`,
      scopes: kind === 'registry' ? ['read'] : [],
      revoked,
    });
    return token.clear;
  }
  const dpToken = await machineToken('dataplane');
  await caller().config.applyDocument({ document: documentWith(9501), message: 'initial' });

  async function poll(
    query: { version?: number; hash?: string; seq?: number; waitSeconds: number },
    options: { token?: string | null; nodeId?: string | null } = {},
  ): Promise<PollResult> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined) params.set(key, String(value));
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? dpToken : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const nodeId = options.nodeId === undefined ? 'gw-test-1' : options.nodeId;
    if (nodeId !== null) headers['x-portico-node-id'] = nodeId;
    const response = await fetch(`${baseUrl}/dp/v1/config?${params}`, { headers });
    const receivedAt = performance.now();
    const text = await response.text();
    return {
      status: response.status,
      body:
        text.length > 0 && response.status === 200 ? ZSyncResponse.parse(JSON.parse(text)) : null,
      receivedAt,
    };
  }

  async function waitForNodeSeen(nodeId: string, since: Date): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const node = await db.dataPlaneNode.findUnique({ where: { id: nodeId } });
      if (node && node.lastSeenAt >= since) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`node ${nodeId} never polled`);
  }

  async function latestPosition() {
    const version = await db.configVersion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const seq = Number(
      (await db.credentialChange.aggregate({ _max: { seq: true } }))._max.seq ?? 0n,
    );
    return { version: version.number, hash: version.hash, seq };
  }

  return {
    db,
    baseUrl,
    dpToken,
    caller,
    machineToken,
    poll,
    waitForNodeSeen,
    latestPosition,
    async close() {
      await app.close();
      await feed.close();
      await database.drop();
    },
  };
}
