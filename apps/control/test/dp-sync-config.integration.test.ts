import { pruneCredentialLog } from '@portico/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DpSyncHarness, documentWith, startDpSyncHarness } from './dp-sync-harness';

let dp: DpSyncHarness;

beforeAll(async () => {
  dp = await startDpSyncHarness();
});
const latencies: Record<string, number> = {};

afterAll(async () => {
  await dp?.close();
  // Printed so the figures can be reported; the assertions below hold them to a bound.
  console.info('long-poll wake-up latencies (ms):', latencies);
});

describe('GET /dp/v1/config answers', () => {
  it('gives a new gateway the full config with secrets beside the snapshot and the full credential set', async () => {
    const result = await dp.poll({ waitSeconds: 30 });
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
    const node = await dp.db.dataPlaneNode.findUniqueOrThrow({ where: { id: 'gw-test-1' } });
    expect(node.tokenId).not.toBeNull();
  });

  it('holds an up-to-date gateway for waitSeconds and answers 204', async () => {
    const position = await dp.latestPosition();
    const started = performance.now();
    const result = await dp.poll({ ...position, waitSeconds: 1 });
    expect(result.status).toBe(204);
    expect(result.receivedAt - started).toBeGreaterThanOrEqual(950);
  });

  it('wakes a waiting gateway promptly after a publish', async () => {
    const position = await dp.latestPosition();
    const since = new Date();
    const pending = dp.poll({ ...position, waitSeconds: 20 });
    await dp.waitForNodeSeen('gw-test-1', since);
    const publishStarted = performance.now();
    const published = await dp.caller().config.applyDocument({
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
    const acme = await dp.db.consumer.findUniqueOrThrow({ where: { name: 'acme' } });
    const created = await dp.caller().keys.create({ consumerId: acme.id, name: 'ci' });
    const position = await dp.latestPosition();
    const since = new Date();
    const pending = dp.poll({ ...position, waitSeconds: 20 });
    await dp.waitForNodeSeen('gw-test-1', since);
    const revokeStarted = performance.now();
    await dp.caller().keys.revoke({ id: created.key.id });
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
    const acme = await dp.db.consumer.findUniqueOrThrow({ where: { name: 'acme' } });
    const live = await dp.caller().keys.create({ consumerId: acme.id, name: 'live' });
    const position = await dp.latestPosition();

    const behind = await dp.poll({ ...position, seq: position.seq - 1, waitSeconds: 0 });
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
      const full = await dp.poll({ ...position, seq, waitSeconds: 0 });
      expect(full.body?.credentials.mode).toBe('full');
      if (full.body?.credentials.mode !== 'full') continue;
      expect(full.body.credentials.seq).toBe(position.seq);
      // The revoked key from the previous test is gone; the live one is there.
      expect(full.body.credentials.set.keys.map((k) => k.id)).toEqual([live.key.id]);
    }
  });

  it('sends the full set to a gateway further behind than the retained log', async () => {
    const position = await dp.latestPosition();
    const pruned = await pruneCredentialLog(dp.db, new Date(Date.now() + 60_000));
    expect(pruned).toBeGreaterThan(1);
    const oldest = Number(
      (await dp.db.credentialChange.aggregate({ _min: { seq: true } }))._min.seq,
    );
    expect(oldest).toBe(position.seq);
    // One behind the oldest kept entry can still be served as a delta; two behind cannot.
    const justInside = await dp.poll({ ...position, seq: position.seq - 1, waitSeconds: 0 });
    expect(justInside.body?.credentials.mode).toBe('delta');
    const outside = await dp.poll({ ...position, seq: position.seq - 2, waitSeconds: 0 });
    expect(outside.body?.credentials.mode).toBe('full');
    expect(outside.body?.credentials.seq).toBe(position.seq);
  });

  it('answers at once when the gateway holds the right version number with a different hash', async () => {
    const position = await dp.latestPosition();
    const result = await dp.poll({ ...position, hash: 'f'.repeat(64), waitSeconds: 20 });
    expect(result.status).toBe(200);
    expect(result.body?.config?.hash).toBe(position.hash);
  });
});
