import type { SnapshotRegistry } from '@portico/config';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '@portico/discovery';
import { endpoints, UpdateRecorder } from '@portico/discovery/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RegistryHarness,
  registerInstance,
  startRegistryHarness,
} from './registry-test-harness';

let h: RegistryHarness;
let adapter: DiscoveryAdapter;

beforeAll(async () => {
  h = await startRegistryHarness({ sweepIntervalMs: 200 });
  const registry: SnapshotRegistry = {
    id: 'reg_builtin',
    name: 'builtin',
    type: 'builtin',
    address: h.url,
    options: { waitSeconds: 20 },
    hasCredentials: true,
  };
  adapter = createDiscoveryAdapter(registry, { token: h.tokens.read }, { random: () => 0 });
});
afterAll(async () => {
  await adapter?.close();
  await h?.close();
});

async function register(service: string, id: string, port: number, ttlSeconds = 30) {
  const res = await registerInstance(h, {
    service,
    id,
    port,
    metadata: { weight: '5', zone: 'z1' },
    ttlSeconds,
  });
  expect(res.status).toBe(200);
}

async function deregister(service: string, id: string) {
  const res = await fetch(`${h.url}/registry/v1/services/${service}/instances/${id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${h.tokens.register}` },
  });
  expect(res.status).toBe(204);
}

describe('builtin discovery adapter against the real control-plane registry', () => {
  it('lists, follows additions and removals, keeps the last set while the registry is down, and recovers', async () => {
    const service = `orders-${Date.now().toString(36)}`;
    await register(service, 'a', 7001);
    await register(service, 'b', 7002);

    const listed = await adapter.list({ service });
    expect(listed.map((i) => i.port).sort()).toEqual([7001, 7002]);
    expect(listed[0]).toMatchObject({ weight: 5, zone: 'z1', metadata: { zone: 'z1' } });
    expect(await adapter.listServices()).toContain(service);

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');

    await register(service, 'c', 7003);
    await rec.waitFor((u) => endpoints(u).includes('127.0.0.1:7003'), 3000, 'added instance');

    await deregister(service, 'a');
    await rec.waitFor(
      (u) => endpoints(u).join() === '127.0.0.1:7002,127.0.0.1:7003',
      3000,
      'removed instance',
    );

    await h.stopServer();
    const degraded = await rec.waitFor((u) => u.status === 'degraded', 10_000, 'degraded status');
    expect(endpoints(degraded)).toEqual(['127.0.0.1:7002', '127.0.0.1:7003']);
    expect(degraded.error).not.toContain(h.tokens.read);

    // While the registry was down one instance left; after recovery the watch catches up.
    await h.startServer();
    await deregister(service, 'b');
    const recovered = await rec.waitFor(
      (u) => u.status === 'ok' && endpoints(u).join() === '127.0.0.1:7003',
      10_000,
      'recovery',
    );
    expect(recovered.error).toBeNull();

    // An explicit deregistration of the last instance is a real change, not a blip.
    await deregister(service, 'c');
    const empty = await rec.waitFor(
      (u) => u.instances.length === 0,
      3000,
      'authoritative empty set',
    );
    expect(empty.status).toBe('ok');
    stop();
  });

  it('keeps the last set and reports degraded when the registry store is reset to empty', async () => {
    const service = `reset-${Date.now().toString(36)}`;
    await register(service, 'a', 7101);
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service }, rec.listener);
    await rec.waitFor((u) => endpoints(u).join() === '127.0.0.1:7101', 5000, 'initial set');
    // Wipe the service's keys behind the registry's back (a flushed Redis): the index goes backwards.
    const keys = await h.redis.keys(`${h.keyPrefix}*`);
    await h.redis.del(...keys);
    await register(service, 'poke', 7102, 30);
    await deregister(service, 'poke');
    const update = await rec.waitFor((u) => u.status === 'degraded', 5000, 'degraded after reset');
    expect(endpoints(update)).toEqual(['127.0.0.1:7101']);
    stop();
  });

  it('keeps the last set (degraded) when the last instances merely expire, since heartbeats may have failed on the registry side', async () => {
    const service = `expire-${Date.now().toString(36)}`;
    await register(service, 'a', 7201, 2);
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service }, rec.listener);
    await rec.waitFor((u) => endpoints(u).join() === '127.0.0.1:7201', 5000, 'initial');
    const update = await rec.waitFor((u) => u.status === 'degraded', 8000, 'degraded after expiry');
    expect(endpoints(update)).toEqual(['127.0.0.1:7201']);
    // The instance comes back (its heartbeat got through again): ok with the same set.
    await register(service, 'a', 7201, 30);
    await rec.waitFor(
      (u) => u.status === 'ok' && endpoints(u).join() === '127.0.0.1:7201',
      5000,
      'back',
    );
    stop();
  });
});
