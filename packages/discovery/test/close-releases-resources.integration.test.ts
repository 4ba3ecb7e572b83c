import { createHook } from 'node:async_hooks';
import { eventually } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import { createDiscoveryAdapter } from '../src/index';
import { UpdateRecorder } from '../src/testing/index';
import { ConsulDouble } from './doubles/consul-double';
import { EurekaDouble } from './doubles/eureka-double';
import { KubernetesDouble } from './doubles/kubernetes-double';
import { registryOf } from './doubles/registry-fixture';

/**
 * Timers the adapters themselves (code under src/) created and have not yet fired or cleared.
 * Idle keep-alive sockets of Node's fetch pool and of the doubles' servers own timers too; those
 * are unref'd, belong to the runtime, and are not what close() promises to release.
 */
function trackTimers() {
  const live = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      // The test helpers' own polling timers live under src/testing; they are not the adapters'.
      if (stack.includes('/discovery/src/') && !stack.includes('/discovery/src/testing/'))
        live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return { live, stop: () => hook.disable() };
}

describe('close() leaves no timers behind (in-process API doubles)', () => {
  it('consul, eureka and kubernetes watches stop their loops and timers on close', async () => {
    const consul = new ConsulDouble('t');
    const eureka = new EurekaDouble({ username: 'u', password: 'p' });
    const k8s = new KubernetesDouble('t');
    await Promise.all([consul.http.start(), eureka.http.start(), k8s.http.start()]);
    consul.upsert({ node: 'n', id: 'a', service: 'web', address: '127.0.0.1', port: 1 });
    eureka.put({
      app: 'WEB',
      instanceId: 'a',
      ipAddr: '127.0.0.1',
      port: 1,
      status: 'UP',
      metadata: {},
    });
    k8s.applySlice(
      'default',
      'web',
      'web-1',
      [{ addresses: ['127.0.0.1'] }],
      [{ name: 'http', port: 1 }],
    );
    const tracked = trackTimers();

    const adapters = [
      createDiscoveryAdapter(registryOf('consul', consul.http.url, { waitSeconds: 30 }), {
        token: 't',
      }),
      createDiscoveryAdapter(
        registryOf('eureka', `${eureka.http.url}/eureka`, { pollSeconds: 30 }),
        { username: 'u', password: 'p' },
      ),
      createDiscoveryAdapter(registryOf('kubernetes', k8s.http.url, { namespace: 'default' }), {
        token: 't',
      }),
    ];
    const recorders = adapters.map((adapter) => {
      const rec = new UpdateRecorder();
      adapter.watch({ service: 'web' }, rec.listener);
      return rec;
    });
    for (const rec of recorders)
      await rec.waitFor((u) => u.status === 'ok' && u.instances.length === 1, 5000, 'watch ok');
    expect(tracked.live.size).toBeGreaterThan(0);

    const started = Date.now();
    await Promise.all(adapters.map((a) => a.close()));
    expect(Date.now() - started).toBeLessThan(2000);
    await eventually(() => tracked.live.size === 0, 3000, 'adapter timers released');
    tracked.stop();
    const updatesAtClose = recorders.map((r) => r.updates.length);
    consul.upsert({ node: 'n', id: 'b', service: 'web', address: '127.0.0.1', port: 2 });
    expect(recorders.map((r) => r.updates.length)).toEqual(updatesAtClose);
    await Promise.all([consul.http.stop(), eureka.http.stop(), k8s.http.stop()]);
  });
});
