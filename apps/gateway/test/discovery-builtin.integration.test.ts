import type { ControlPlane } from '@portico/testkit';
import { eventually } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, startGateway, type TestGateway } from './harness';
import { type RegistryControlPlane, startRegistryControlPlane } from './registry-control-plane';
import {
  type ChildInstance,
  publishedWithRegistries,
  serviceStatus,
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

    gw = await startGateway();
    const config = publishedWithRegistries(
      1,
      {
        registries: [
          {
            id: 'reg_builtin',
            name: 'builtin',
            type: 'builtin',
            address: controlUrl,
            options: { waitSeconds: 5 },
            hasCredentials: true,
          },
        ],
        services: [
          {
            id: 'svc_orders',
            name: 'orders',
            targets: [],
            discovery: { registry: 'builtin', registryId: 'reg_builtin', service: 'orders' },
            healthCheck: { passive: { consecutiveFailures: 3, baseEjectionMs: 5000 } },
          },
        ],
        apis: [apiOf('api_orders', '/orders', 'svc_orders')],
      },
      { reg_builtin: { token: tokens.read } },
    );
    expect(await gw.feed(config)).toBe(true);
    await eventually(
      async () => (await serviceStatus(gw.statusUrl, 'svc_orders'))?.instances.length === 3,
      10_000,
      'three instances discovered',
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await gw?.close();
    await registry?.close();
  }, 60_000);

  it('loses no request when an instance is SIGKILLed, drops it within 2 s, and sends traffic to a new one within 1 s of registering', async () => {
    // 50 req/s for 8 s.
    const client = steadyClient(`${gw.url}/orders/items`, 20, 400);
    await eventually(() => client.samples.length >= 75, 10_000, 'steady traffic');

    const victim = children.find((c) => c.id === 'orders-a') as ChildInstance;
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    let outAfterMs = -1;
    await eventually(
      async () => {
        const status = await serviceStatus(gw.statusUrl, 'svc_orders');
        const entry = status?.instances.find((i) => i.id === 'orders-a');
        if (entry === undefined || entry.state !== 'healthy') {
          outAfterMs = Date.now() - killedAt;
          return true;
        }
        return false;
      },
      5_000,
      'killed instance out of rotation',
    );

    const fresh = await upstream('orders-d');
    await eventually(
      () => client.samples.some((s) => s.instance === 'orders-d'),
      5_000,
      'new instance receives traffic',
    );
    const firstToFresh = Math.min(
      ...client.samples.filter((s) => s.instance === 'orders-d').map((s) => s.doneAt),
    );
    const trafficAfterMs = firstToFresh - fresh.registeredAt;

    await client.done;
    const failed = client.samples.filter((s) => s.status !== 200);
    console.log(
      `builtin: ${client.samples.length} requests, ${failed.length} failed; dead instance out after ${outAfterMs} ms; new instance served after ${trafficAfterMs} ms`,
    );
    expect(failed).toEqual([]);
    expect(client.samples).toHaveLength(400);
    expect(outAfterMs).toBeLessThanOrEqual(2000);
    expect(trafficAfterMs).toBeLessThanOrEqual(1000);
    // The killed instance answered nothing after it died, and the survivors shared the load.
    expect(client.samples.some((s) => s.instance === 'orders-a' && s.sentAt > killedAt)).toBe(
      false,
    );
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
