import type { ControlPlane } from '@portico/testkit';
import { eventually } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './harness';
import { type RegistryControlPlane, startRegistryControlPlane } from './registry-control-plane';
import {
  builtinRegistry,
  type ChildInstance,
  killAndStartScenario,
  serviceStatus,
  startGatewayFollowing,
  startRegisteringUpstream,
  steadyClient,
} from './traffic-support';

/**
 * The "must show" for the built-in registry: the real control plane as a process (registry
 * on a private redis-server, real Postgres), three upstream processes registering through
 * @portico/register, a real gateway following the registry, a steady client.
 */
describe('gateway traffic with instances from the built-in registry', () => {
  let registry: RegistryControlPlane;
  let control: ControlPlane;
  let controlUrl: string;
  let gw: TestGateway;
  const tokens = { register: '', read: '' };
  const children: ChildInstance[] = [];

  const upstream = async (instanceId: string) => {
    const child = await startRegisteringUpstream({
      controlUrl,
      token: tokens.register,
      service: 'orders',
      instanceId,
      ttlSeconds: 3,
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    registry = await startRegistryControlPlane('traffic test');
    control = registry.control;
    controlUrl = control.url;
    Object.assign(tokens, registry.tokens);
    await Promise.all(['orders-a', 'orders-b', 'orders-c'].map(upstream));

    gw = await startGatewayFollowing({
      registry: builtinRegistry(controlUrl),
      secrets: { token: tokens.read },
      service: {
        id: 'svc_orders',
        name: 'orders',
        targets: [],
        healthCheck: { passive: { consecutiveFailures: 3, baseEjectionMs: 5000 } },
      },
      registeredAs: 'orders',
      api: { id: 'api_orders', basePath: '/orders' },
      instances: 3,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await gw?.close();
    await registry?.close();
  }, 60_000);

  it('loses no request when an instance is SIGKILLed, drops it within 2 s, and sends traffic to a new one within 1 s of registering', async () => {
    const victim = children.find((c) => c.id === 'orders-a') as ChildInstance;
    const result = await killAndStartScenario({
      gatewayUrl: gw.url,
      statusUrl: gw.statusUrl,
      serviceId: 'svc_orders',
      victim,
      announceFresh: async () => {
        const fresh = await upstream('orders-d');
        return { instanceId: fresh.id, announcedAt: fresh.registeredAt };
      },
    });
    console.log(
      `builtin: ${result.requests} requests, ${result.failed.length} failed; dead instance out after ${result.outAfterMs} ms; new instance served after ${result.trafficAfterMs} ms`,
    );
    expect(result.failed).toEqual([]);
    expect(result.requests).toBe(400);
    expect(result.outAfterMs).toBeLessThanOrEqual(2000);
    expect(result.trafficAfterMs).toBeLessThanOrEqual(1000);
    // The killed instance answered nothing after it died, and the survivors shared the load.
    expect(result.servedByVictimAfterKill).toBe(0);
    // The registry's TTL also drops it from the set (passive ejection got there first).
    await eventually(
      async () =>
        !(await serviceStatus(gw.statusUrl, 'svc_orders'))?.instances.some(
          (i) => i.id === 'orders-a',
        ),
      10_000,
      'registry expires the dead instance',
    );
  }, 60_000);

  it('keeps routing to the last known instances while the registry is down', async () => {
    await control.stop();
    const client = steadyClient(`${gw.url}/orders/items`, 20, 100);
    await client.done;
    const failed = client.samples.filter((s) => s.status !== 200);
    expect(failed).toEqual([]);
    const served = new Set(client.samples.map((s) => s.instance));
    expect(served).toEqual(new Set(['orders-b', 'orders-c', 'orders-d']));
    const status = await serviceStatus(gw.statusUrl, 'svc_orders');
    expect(status?.instances.map((i) => i.id).sort()).toEqual(['orders-b', 'orders-c', 'orders-d']);
  }, 60_000);
});
