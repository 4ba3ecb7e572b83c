import { describe, expect, it } from 'vitest';
import { DeferredAdapter } from './deferred-adapter';
import type { DiscoveryAdapter, InstanceUpdate } from './types';

const INSTANCE = { id: 'a', address: '10.0.0.1', port: 80, weight: 1, metadata: {}, zone: null };

function fakeAdapter(log: string[]): DiscoveryAdapter {
  return {
    watch(ref, onUpdate) {
      log.push(`watch ${ref.service}`);
      onUpdate({ instances: [INSTANCE], status: 'ok', error: null, lastSyncAt: 1 });
      return () => log.push(`stop ${ref.service}`);
    },
    list: async () => [INSTANCE],
    listServices: async () => ['orders'],
    close: async () => {
      log.push('close');
    },
  };
}

describe('DeferredAdapter', () => {
  it('starts a watch once the adapter is built and stops it through the returned function', async () => {
    const log: string[] = [];
    const updates: InstanceUpdate[] = [];
    const adapter = new DeferredAdapter(Promise.resolve(fakeAdapter(log)));
    const stop = adapter.watch({ service: 'orders' }, (u) => updates.push(u));
    expect(log).toEqual([]);
    expect(await adapter.list({ service: 'orders' })).toEqual([INSTANCE]);
    expect(await adapter.listServices()).toEqual(['orders']);
    expect(updates.map((u) => u.status)).toEqual(['ok']);
    stop();
    await adapter.close();
    expect(log).toEqual(['watch orders', 'stop orders', 'close']);
  });

  it('never starts a watch stopped before the adapter was ready', async () => {
    const log: string[] = [];
    const adapter = new DeferredAdapter(Promise.resolve(fakeAdapter(log)));
    adapter.watch({ service: 'orders' }, () => undefined)();
    await adapter.close();
    expect(log).toEqual(['close']);
  });

  it('reports a library that failed to load as a degraded watch and a rejected read', async () => {
    const adapter = new DeferredAdapter(Promise.reject(new Error('Cannot find package etcd3')));
    const updates: InstanceUpdate[] = [];
    adapter.watch({ service: 'orders' }, (u) => updates.push(u));
    await expect(adapter.list({ service: 'orders' })).rejects.toThrow('Cannot find package etcd3');
    expect(updates).toEqual([
      { instances: [], status: 'degraded', error: 'Cannot find package etcd3', lastSyncAt: null },
    ]);
    await adapter.close();
  });
});
