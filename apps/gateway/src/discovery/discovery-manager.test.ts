import { type PublishedConfig, ZPublishedConfig } from '@portico/config';
import type { DiscoveryAdapter, InstanceUpdate, ServiceRef } from '@portico/discovery';
import { describe, expect, it } from 'vitest';
import { ServiceBalancer } from '../upstream/service-balancer';
import { DiscoveryManager } from './discovery-manager';

/** An adapter whose watches the test drives by hand, counting starts and stops. */
class ScriptedAdapter implements DiscoveryAdapter {
  started = 0;
  stopped = 0;
  closed = false;
  readonly listeners = new Map<string, (update: InstanceUpdate) => void>();
  watch(ref: ServiceRef, onUpdate: (update: InstanceUpdate) => void): () => void {
    this.started++;
    this.listeners.set(ref.service, onUpdate);
    return () => {
      this.stopped++;
      this.listeners.delete(ref.service);
    };
  }
  async list() {
    return [];
  }
  async listServices() {
    return [];
  }
  async close() {
    this.closed = true;
  }
}

function config(
  version: number,
  services: Array<{ id: string; watch: string | null }>,
  address = 'http://registry',
) {
  return ZPublishedConfig.parse({
    version,
    hash: 'a'.repeat(64),
    publishedAt: new Date(0).toISOString(),
    snapshot: {
      schemaVersion: 1,
      registries: [{ id: 'reg', name: 'reg', type: 'builtin', address }],
      services: services.map((s) => ({
        id: s.id,
        name: s.id,
        targets: s.watch === null ? [{ host: '127.0.0.1', port: 1 }] : [],
        discovery:
          s.watch === null ? null : { registry: 'reg', registryId: 'reg', service: s.watch },
      })),
    },
  });
}

function compiled(published: PublishedConfig) {
  return published.snapshot.services.map((service) => ({
    service,
    selector: new ServiceBalancer(service),
  }));
}

const up = (ports: number[], status: 'ok' | 'degraded' = 'ok'): InstanceUpdate => ({
  instances: ports.map((port) => ({
    id: `i${port}`,
    address: '127.0.0.1',
    port,
    weight: 1,
    metadata: {},
    zone: null,
  })),
  status,
  error: status === 'ok' ? null : 'registry unreachable',
  lastSyncAt: 0,
});

/** A manager whose adapters are scripted, and the list of those it created. */
function scriptedManager() {
  const adapters: ScriptedAdapter[] = [];
  const manager = new DiscoveryManager({
    createAdapter: () => {
      const a = new ScriptedAdapter();
      adapters.push(a);
      return a;
    },
  });
  return { manager, adapters };
}

describe('DiscoveryManager', () => {
  it('feeds instance sets into the selector and keeps watches running across publishes', () => {
    const { manager, adapters } = scriptedManager();
    const v1 = config(1, [{ id: 'orders', watch: 'orders' }]);
    const first = compiled(v1);
    manager.reconcile(v1, first);
    const adapter = adapters[0] as ScriptedAdapter;
    adapter.listeners.get('orders')?.(up([1001, 1002]));
    const selector = (first[0] as { selector: ServiceBalancer }).selector;
    expect(selector.health().map((h) => h.port)).toEqual([1001, 1002]);

    // A new version with a fresh selector for the same service: no restart, last set handed over.
    const v2 = config(2, [
      { id: 'orders', watch: 'orders' },
      { id: 'static', watch: null },
    ]);
    const second = compiled(v2);
    manager.reconcile(v2, second);
    expect(adapters).toHaveLength(1);
    expect(adapter.started).toBe(1);
    expect(
      (second[0] as { selector: ServiceBalancer }).selector.health().map((h) => h.port),
    ).toEqual([1001, 1002]);

    // Registry degraded with nothing to say: the last known set stays in rotation.
    adapter.listeners.get('orders')?.(up([], 'degraded'));
    const current = (second[0] as { selector: ServiceBalancer }).selector;
    expect(current.health().map((h) => h.port)).toEqual([1001, 1002]);
    expect(current.discoveryView()).toMatchObject({
      status: 'degraded',
      error: 'registry unreachable',
    });

    // The service stops using discovery: its watch and the adapter go.
    const v3 = config(3, [{ id: 'static', watch: null }]);
    manager.reconcile(v3, compiled(v3));
    expect(adapter.stopped).toBe(1);
    expect(adapter.closed).toBe(true);
    expect(manager.watchCount).toBe(0);
  });

  it('replaces the adapter (and its watches) when the registry connection changes', () => {
    const { manager, adapters } = scriptedManager();
    const v1 = config(1, [{ id: 'orders', watch: 'orders' }]);
    manager.reconcile(v1, compiled(v1));
    const v2 = config(2, [{ id: 'orders', watch: 'orders' }], 'http://other-registry');
    manager.reconcile(v2, compiled(v2));
    expect(adapters).toHaveLength(2);
    expect(adapters[0]?.closed).toBe(true);
    expect(adapters[0]?.stopped).toBe(1);
    expect(adapters[1]?.started).toBe(1);
    expect(manager.watchCount).toBe(1);
  });
});
