import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DpSyncHarness, startDpSyncHarness } from './dp-sync-harness';

let dp: DpSyncHarness;

beforeAll(async () => {
  dp = await startDpSyncHarness();
});

afterAll(async () => {
  await dp?.close();
});

describe('GET /dp/v1/config authentication', () => {
  it('refuses a missing, unknown, registry-kind or revoked token with a 401 problem and registers nothing', async () => {
    const tokens: (string | null)[] = [
      null,
      'pdp_not-a-real-token',
      await dp.machineToken('registry'),
      await dp.machineToken('dataplane', true),
    ];
    for (const token of tokens) {
      const response = await fetch(`${dp.baseUrl}/dp/v1/config?waitSeconds=0`, {
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
    const status = await fetch(`${dp.baseUrl}/dp/v1/nodes/gw-intruder/status`, {
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
    expect(await dp.db.dataPlaneNode.findUnique({ where: { id: 'gw-intruder' } })).toBeNull();
  });

  it('refuses a dp.poll without a node id header with a 400 problem', async () => {
    const response = await fetch(`${dp.baseUrl}/dp/v1/config?waitSeconds=0`, {
      headers: { authorization: `Bearer ${dp.dpToken}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('DP_INVALID_INPUT');
  });
});

describe('GET /dp/v1/deployment', () => {
  it("tells an authenticated gateway the deployment's Redis prefix, and nobody else", async () => {
    const ok = await fetch(`${dp.baseUrl}/dp/v1/deployment`, {
      headers: { authorization: `Bearer ${dp.dpToken}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ redisPrefix: 'portico:dp_sync_test' });
    const anonymous = await fetch(`${dp.baseUrl}/dp/v1/deployment`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { code: string }).code).toBe('DP_UNAUTHORIZED');
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
    const response = await fetch(`${dp.baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dp.dpToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    expect(response.status).toBe(204);
    const node = await dp.db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(node).toMatchObject({
      hostname: 'gateway-a.internal',
      appliedVersion: 2,
      appliedHash: 'a'.repeat(64),
      credentialSeq: 7n,
      lastError: 'refused version 3: hash mismatch',
      gatewayVersion: '0.1.0',
    });
    expect(node.health).toEqual(report.services);
    const listed = await dp.caller().dataPlanes.list();
    expect(listed.nodes.find((n) => n.id === 'gw-test-1')).toMatchObject({
      appliedVersion: 2,
      stale: false,
    });
  });

  it('answers a body that is not JSON with a 400 problem+json carrying the request id', async () => {
    const response = await fetch(`${dp.baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dp.dpToken}`, 'content-type': 'application/json' },
      body: '{"hostname":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; requestId: string };
    expect(problem.code).toBe('DP_INVALID_INPUT');
    expect(problem.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('refuses a malformed report with a 400 problem naming the field and leaves the row as it was', async () => {
    const before = await dp.db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    const response = await fetch(`${dp.baseUrl}/dp/v1/nodes/gw-test-1/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dp.dpToken}`, 'content-type': 'application/json' },
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
    const after = await dp.db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(after.appliedVersion).toBe(before.appliedVersion);
    expect(after.hostname).toBe(before.hostname);
  });
});
