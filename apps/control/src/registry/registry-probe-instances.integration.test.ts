import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryRegistryProbe } from '../discovery-registry-probe';
import {
  type RegistryHarness,
  registerInstance,
  startRegistryHarness,
} from './registry-test-harness';

let h: RegistryHarness;

beforeAll(async () => {
  h = await startRegistryHarness();
});
afterAll(async () => {
  await h?.close();
});

async function register(service: string, id: string, port: number) {
  const res = await registerInstance(h, {
    service,
    id,
    port,
    metadata: { version: 'v1' },
    ttlSeconds: 30,
  });
  expect(res.status).toBe(200);
}

const target = () => ({
  id: 'reg_builtin',
  name: 'builtin',
  type: 'builtin' as const,
  address: h.url,
  options: {},
  hasCredentials: true,
});

describe('discovery registry probe: instances of one service', () => {
  it('lists the instances registered with the built-in registry, each call reading afresh', async () => {
    const probe = createDiscoveryRegistryProbe(3_000);
    const service = `orders-${Date.now().toString(36)}`;
    await register(service, 'a', 7101);
    const listInstances = probe.listInstances;
    expect(listInstances).toBeDefined();
    if (!listInstances) return;

    const first = await listInstances(target(), { token: h.tokens.read }, service);
    expect(first.map((i) => [i.address, i.port, i.metadata.version])).toEqual([
      ['127.0.0.1', 7101, 'v1'],
    ]);

    await register(service, 'b', 7102);
    const second = await listInstances(target(), { token: h.tokens.read }, service);
    expect(second.map((i) => i.port).sort()).toEqual([7101, 7102]);
  });

  it('fails with the registry refusal when the token is not accepted', async () => {
    const probe = createDiscoveryRegistryProbe(3_000);
    const listInstances = probe.listInstances;
    if (!listInstances) throw new Error('the discovery probe lists instances');
    await expect(listInstances(target(), { token: h.tokens.revoked }, 'orders')).rejects.toThrow();
  });
});
