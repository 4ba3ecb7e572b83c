import { randomBytes } from 'node:crypto';
import { type ApiContext, createAppCaller, pruneCredentialLog } from '@portico/api';
import { type SyncResponse, ZSyncResponse } from '@portico/config';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { generateSecret } from '@portico/keys';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeFeed, createChangeFeed } from '../src/dp/change-feed';
import { dataPlaneSyncPlugin } from '../src/dp/plugin';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
let feed: ChangeFeed;
let app: FastifyInstance;
let baseUrl: string;
let dpToken: string;
const secretKey = randomBytes(32);
const latencies: Record<string, number> = {};

const caller = () => {
  const ctx: ApiContext = {
    db,
    sessionSigningKey: randomBytes(32),
    secretKey,
    now: () => new Date(),
    actor: {
      kind: 'operator',
      userId: 'usr_dp_test_owner',
      email: 'owner@example.test',
      role: 'owner',
      via: 'token',
      sessionId: null,
      tokenId: null,
    },
    requestId: `req_${randomBytes(4).toString('hex')}`,
    clientIp: '127.0.0.1',
    userAgent: 'vitest',
    cookies: { setSession() {}, clearSession() {} },
  };
  return createAppCaller(ctx);
};

async function machineToken(kind: 'dataplane' | 'registry', revoked = false): Promise<string> {
  const secret = generateSecret(kind === 'dataplane' ? 'dataPlaneToken' : 'registryToken');
  await db.machineToken.create({
    data: {
      id: `tok_${randomBytes(8).toString('hex')}`,
      kind,
      name: `${kind}-${revoked ? 'revoked' : 'live'}`,
      scopes: kind === 'registry' ? ['read'] : [],
      hash: secret.hash,
      start: secret.start,
      revokedAt: revoked ? new Date() : null,
    },
  });
  return secret.clear;
}

interface PollResult {
  status: number;
  body: SyncResponse | null;
  receivedAt: number;
}

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
    body: text.length > 0 && response.status === 200 ? ZSyncResponse.parse(JSON.parse(text)) : null,
    receivedAt,
  };
}

/** Waits (bounded) until `node` has polled after `since`, i.e. its long-poll is in flight. */
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
  const seq = Number((await db.credentialChange.aggregate({ _max: { seq: true } }))._max.seq ?? 0n);
  return { version: version.number, hash: version.hash, seq };
}

const documentWith = (port: number) => ({
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

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  feed = createChangeFeed(database.url);
  await feed.ready;
  app = Fastify({ logger: false });
  await app.register(dataPlaneSyncPlugin, {
    db,
    changeFeed: feed,
    secretKey,
    redisPrefix: 'portico:dp_sync_test',
  });
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  dpToken = await machineToken('dataplane');
  await caller().config.applyDocument({ document: documentWith(9501), message: 'initial' });
});

afterAll(async () => {
  await app?.close();
  await feed?.close();
  await database?.drop();
  // Printed so the figures can be reported; the assertions below hold them to a bound.
  console.info('long-poll wake-up latencies (ms):', latencies);
});

describe('GET /dp/v1/config authentication', () => {
  it('refuses a missing, unknown, registry-kind or revoked token with a 401 problem and registers nothing', async () => {
    const tokens: (string | null)[] = [
      null,
      'pdp_not-a-real-token',
      await machineToken('registry'),
      await machineToken('dataplane', true),
    ];
    for (const token of tokens) {
      const response = await fetch(`${baseUrl}/dp/v1/config?waitSeconds=0`, {
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'x-portico-node-id': 'gw-intruder',
        },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { code: string; requestId: string };
      expect(problem.code).toBe('DP_UNAUTHORIZED');
      expect(problem.requestId).toBeTruthy();
    }
    const status = await fetch(`${baseUrl}/dp/v1/nodes/gw-intruder/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        hostname: 'x',
        appliedVersion: 0,
        appliedHash: null,
        credentialSeq: 0,
        error: null,
      }),
    });
    expect(status.status).toBe(401);
    expect(await db.dataPlaneNode.findUnique({ where: { id: 'gw-intruder' } })).toBeNull();
  });

  it('refuses a poll without a node id header with a 400 problem', async () => {
    const response = await fetch(`${baseUrl}/dp/v1/config?waitSeconds=0`, {
      headers: { authorization: `Bearer ${dpToken}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('DP_INVALID_INPUT');
  });
});

describe('GET /dp/v1/deployment', () => {
  it("tells an authenticated gateway the deployment's Redis prefix, and nobody else", async () => {
    const ok = await fetch(`${baseUrl}/dp/v1/deployment`, {
      headers: { authorization: `Bearer ${dpToken}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ redisPrefix: 'portico:dp_sync_test' });
    const anonymous = await fetch(`${baseUrl}/dp/v1/deployment`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('DP_UNAUTHORIZED');
  });
});

describe('GET /dp/v1/config answers', () => {
  it('gives a new gateway the full config with secrets beside the snapshot and the full credential set', async () => {
    const result = await poll({ waitSeconds: 30 });
    expect(result.status).toBe(200);
    const body = result.body;
    expect(body?.config?.version).toBe(1);
    expect(JSON.stringify(body?.config?.snapshot)).not.toContain('reg-secret');
    const registryId = body?.config?.snapshot.registries[0]?.id ?? '';
    expect(body?.config?.secrets.registries[registryId]).toEqual({ token: 'reg-secret' });
    expect(body?.credentials.mode).toBe('full');
    if (body?.credentials.mode !== 'full') return;
    expect(body.credentials.set.consumers.map((c) => c.name)).toEqual(['acme']);
    expect(body.credentials.set.subscriptions).toHaveLength(1);
    const node = await db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(node.tokenId).not.toBeNull();
  });

  it('holds an up-to-date gateway for waitSeconds and answers 204', async () => {
    const position = await latestPosition();
    const started = performance.now();
    const result = await poll({ ...position, waitSeconds: 1 });
    expect(result.status).toBe(204);
    expect(result.receivedAt - started).toBeGreaterThanOrEqual(950);
  });

  it('wakes a waiting gateway promptly after a publish', async () => {
    const position = await latestPosition();
    const since = new Date();
    const pending = poll({ ...position, waitSeconds: 20 });
    await waitForNodeSeen('gw-test-1', since);
    const publishStarted = performance.now();
    const published = await caller().config.applyDocument({
      document: documentWith(9502),
      message: 'move orders',
    });
    const publishReturned = performance.now();
    const result = await pending;
    latencies.afterPublishFromCallMs = Math.round(result.receivedAt - publishStarted);
    latencies.afterPublishFromCommitMs = Math.round(result.receivedAt - publishReturned);
    expect(result.status).toBe(200);
    expect(result.body?.config?.version).toBe(published.published?.number);
    expect(result.body?.config?.hash).toBe(published.published?.hash);
    expect(result.body?.credentials).toEqual({ mode: 'delta', seq: position.seq, changes: [] });
    expect(result.receivedAt - publishStarted).toBeLessThan(2_000);
  });

  it('wakes a waiting gateway promptly after a key revocation with a delta holding key.delete', async () => {
    const acme = await db.consumer.findUniqueOrThrow({ where: { name: 'acme' } });
    const created = await caller().keys.create({ consumerId: acme.id, name: 'ci' });
    const position = await latestPosition();
    const since = new Date();
    const pending = poll({ ...position, waitSeconds: 20 });
    await waitForNodeSeen('gw-test-1', since);
    const revokeStarted = performance.now();
    await caller().keys.revoke({ id: created.key.id });
    const revokeReturned = performance.now();
    const result = await pending;
    latencies.afterRevokeFromCallMs = Math.round(result.receivedAt - revokeStarted);
    latencies.afterRevokeFromCommitMs = Math.round(result.receivedAt - revokeReturned);
    expect(result.status).toBe(200);
    expect(result.body?.config).toBeNull();
    expect(result.body?.credentials.mode).toBe('delta');
    if (result.body?.credentials.mode !== 'delta') return;
    expect(result.body.credentials.changes).toEqual([
      expect.objectContaining({ type: 'key.delete', id: created.key.id }),
    ]);
    expect(result.body.credentials.seq).toBeGreaterThan(position.seq);
    expect(result.receivedAt - revokeStarted).toBeLessThan(2_000);
  });

  it('sends a delta to a gateway one change behind and the full set to one at 0 or ahead of the log', async () => {
    const acme = await db.consumer.findUniqueOrThrow({ where: { name: 'acme' } });
    const live = await caller().keys.create({ consumerId: acme.id, name: 'live' });
    const position = await latestPosition();

    const behind = await poll({ ...position, seq: position.seq - 1, waitSeconds: 0 });
    expect(behind.body?.credentials).toEqual({
      mode: 'delta',
      seq: position.seq,
      changes: [
        {
          seq: position.seq,
          type: 'key.upsert',
          key: {
            id: live.key.id,
            consumerId: acme.id,
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
            expiresAt: null,
          },
        },
      ],
    });

    for (const seq of [0, position.seq + 1_000]) {
      const full = await poll({ ...position, seq, waitSeconds: 0 });
      expect(full.body?.credentials.mode).toBe('full');
      if (full.body?.credentials.mode !== 'full') continue;
      expect(full.body.credentials.seq).toBe(position.seq);
      // The revoked key from the previous test is gone; the live one is there.
      expect(full.body.credentials.set.keys.map((k) => k.id)).toEqual([live.key.id]);
    }
  });

  it('sends the full set to a gateway further behind than the retained log', async () => {
    const position = await latestPosition();
    const pruned = await pruneCredentialLog(db, new Date(Date.now() + 60_000));
    expect(pruned).toBeGreaterThan(1);
    const oldest = Number((await db.credentialChange.aggregate({ _min: { seq: true } }))._min.seq);
    expect(oldest).toBe(position.seq);
    // One behind the oldest kept entry can still be served as a delta; two behind cannot.
    const justInside = await poll({ ...position, seq: position.seq - 1, waitSeconds: 0 });
    expect(justInside.body?.credentials.mode).toBe('delta');
    const outside = await poll({ ...position, seq: position.seq - 2, waitSeconds: 0 });
    expect(outside.body?.credentials.mode).toBe('full');
    expect(outside.body?.credentials.seq).toBe(position.seq);
  });

  it('answers at once when the gateway holds the right version number with a different hash', async () => {
    const position = await latestPosition();
    const result = await poll({ ...position, hash: 'f'.repeat(64), waitSeconds: 20 });
    expect(result.status).toBe(200);
    expect(result.body?.config?.hash).toBe(position.hash);
  });
});

describe('POST /dp/v1/nodes/:nodeId/status', () => {
  it('stores the reported version, hash, error and health on the node row', async () => {
    const report = {
      hostname: 'gateway-a.internal',
      appliedVersion: 2,
      appliedHash: 'a'.repeat(64),
      credentialSeq: 7,
      error: 'refused version 3: hash mismatch',
      gatewayVersion: '0.1.0',
      services: [
        {
          serviceId: 'svc_x',
          instances: [
            { id: 'i1', address: '127.0.0.1', port: 9501, state: 'healthy', reason: null },
          ],
        },
      ],
    };
    const response = await fetch(`${baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(204);
    const node = await db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(node).toMatchObject({
      hostname: 'gateway-a.internal',
      appliedVersion: 2,
      appliedHash: 'a'.repeat(64),
      credentialSeq: 7n,
      lastError: 'refused version 3: hash mismatch',
      gatewayVersion: '0.1.0',
    });
    expect(node.health).toEqual(report.services);
    const listed = await caller().dataPlanes.list();
    expect(listed.nodes.find((n) => n.id === 'gw-test-1')).toMatchObject({
      appliedVersion: 2,
      stale: false,
    });
  });

  it('answers a body that is not JSON with a 400 problem+json carrying the request id', async () => {
    const response = await fetch(`${baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dpToken}`, 'content-type': 'application/json' },
      body: '{"hostname":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; requestId: string };
    expect(problem.code).toBe('DP_INVALID_INPUT');
    expect(problem.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('refuses a malformed report with a 400 problem naming the field and leaves the row as it was', async () => {
    const before = await db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    const response = await fetch(`${baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        hostname: 'x',
        appliedVersion: -1,
        appliedHash: null,
        credentialSeq: 0,
        error: null,
      }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain('appliedVersion');
    const after = await db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(after.appliedVersion).toBe(before.appliedVersion);
    expect(after.hostname).toBe(before.hostname);
  });
});
