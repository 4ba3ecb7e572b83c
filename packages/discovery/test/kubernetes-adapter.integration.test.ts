import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import { KubernetesDouble, type SliceEndpoint } from './doubles/kubernetes-double';
import { recordingLogger, registryOf } from './doubles/registry-fixture';

const TOKEN = 'k8s-sa-token-7d1e0b5a-secret';
let k8s: KubernetesDouble;
let adapter: DiscoveryAdapter;
let dir: string;
const log = recordingLogger();

const ready = (ip: string, extra: Partial<SliceEndpoint> = {}): SliceEndpoint => ({
  addresses: [ip],
  conditions: { ready: true, serving: true, terminating: false },
  targetRef: { kind: 'Pod', name: `pod-${ip}` },
  ...extra,
});
const ports = [
  { name: 'http', port: 8080 },
  { name: 'metrics', port: 9090 },
];

beforeAll(async () => {
  k8s = new KubernetesDouble(TOKEN);
  await k8s.http.start();
  dir = await mkdtemp(join(tmpdir(), 'portico-kubeconfig-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      '- name: double',
      '  cluster:',
      `    server: ${k8s.http.url}`,
      'contexts:',
      '- name: test',
      '  context: {cluster: double, user: tester, namespace: shop}',
      'users:',
      '- name: tester',
      `  user: {token: ${TOKEN}}`,
      '',
    ].join('\n'),
  );
  adapter = createDiscoveryAdapter(
    registryOf('kubernetes', '', { kubeconfigPath: kubeconfig }),
    {},
    { logger: log.logger, random: () => 0 },
  );
});
afterAll(async () => {
  await adapter?.close();
  await k8s?.http.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kubernetes adapter against an in-process Kubernetes API double (EndpointSlices list/watch)', () => {
  it('lists ready endpoints on the named port, follows watch events, keeps the last set while the API is down, and recovers', async () => {
    k8s.applySlice(
      'shop',
      'cart',
      'cart-abc',
      [
        ready('10.0.0.1', { zone: 'eu-1a' }),
        ready('10.0.0.2'),
        { addresses: ['10.0.0.9'], conditions: { ready: false, terminating: true } },
      ],
      ports,
    );
    k8s.applySlice('other', 'cart', 'cart-zzz', [ready('10.9.9.9')], ports);

    const listed = await adapter.list({ service: 'cart', portName: 'http' });
    expect(listed.map((i) => `${i.address}:${i.port}`).sort()).toEqual([
      '10.0.0.1:8080',
      '10.0.0.2:8080',
    ]);
    expect(listed.find((i) => i.address === '10.0.0.1')).toMatchObject({
      zone: 'eu-1a',
      metadata: { pod: 'pod-10.0.0.1' },
    });
    expect(
      (await adapter.list({ service: 'cart', portName: 'metrics' })).map((i) => i.port),
    ).toEqual([9090, 9090]);
    expect(
      (await adapter.list({ service: 'cart', namespace: 'other' })).map((i) => i.address),
    ).toEqual(['10.9.9.9']);
    expect(await adapter.listServices()).toEqual(['cart']);

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'cart', portName: 'http' }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');

    k8s.applySlice('shop', 'cart', 'cart-def', [ready('10.0.0.3')], ports);
    await rec.waitFor((u) => endpoints(u).includes('10.0.0.3:8080'), 3000, 'added slice');

    // An endpoint turning not-ready leaves the set.
    k8s.applySlice(
      'shop',
      'cart',
      'cart-abc',
      [
        ready('10.0.0.1', { zone: 'eu-1a' }),
        { addresses: ['10.0.0.2'], conditions: { ready: false } },
      ],
      ports,
    );
    await rec.waitForEndpoints(
      ['10.0.0.1:8080', '10.0.0.3:8080'],
      3000,
      'not-ready endpoint removed',
    );

    const outage = await rec.throughOutage(k8s.http, {
      whileDown: () => k8s.deleteSlice('shop', 'cart-def'),
      recoveredTo: ['10.0.0.1:8080'],
      timeoutMs: 10_000,
    });
    expect(outage.kept).toEqual(['10.0.0.1:8080', '10.0.0.3:8080']);
    expect(outage.recovered.error).toBeNull();

    // Every slice gone is indistinguishable from a rollout blip: the last set stays, degraded.
    k8s.deleteSlice('shop', 'cart-abc');
    const kept = await rec.waitFor((u) => u.status === 'degraded', 3000, 'empty refused');
    expect(endpoints(kept)).toEqual(['10.0.0.1:8080']);
    stop();
    expect(log.lines.join('\n')).not.toContain(TOKEN);
  });

  it('resumes from bookmarks and re-lists after 410 Gone', async () => {
    k8s.applySlice('shop', 'pay', 'pay-1', [ready('10.1.0.1')], ports);
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'pay', portName: 'http' }, rec.listener);
    await rec.waitForEndpoints(['10.1.0.1:8080'], 5000, 'initial');

    // Unrelated changes move the revision; bookmarks carry it to the watcher.
    k8s.applySlice('shop', 'noise', 'noise-1', [ready('10.2.0.1')], ports);
    const revisionAfterNoise = k8s.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    await k8s.http.stop();
    await rec.waitFor((u) => u.status === 'degraded', 5000, 'degraded');
    await k8s.http.start();
    await eventually(
      () => k8s.requests.slice(revisionAfterNoise).some((r) => r.includes('watch=1')),
      5000,
      'a new watch',
    );
    const resumed = k8s.requests.slice(revisionAfterNoise).find((r) => r.includes('watch=1')) ?? '';
    expect(new URL(resumed, 'http://x').searchParams.get('resourceVersion')).not.toBe('');
    expect(resumed).toContain('allowWatchBookmarks=true');
    await rec.waitFor((u) => u.status === 'ok' && u.instances.length === 1, 5000, 'ok again');

    // History compacted while the watch was cut off: the next watch gets 410 and must re-list.
    await k8s.http.stop();
    k8s.applySlice('shop', 'pay', 'pay-1', [ready('10.1.0.1'), ready('10.1.0.2')], ports);
    k8s.compact();
    const listsBefore = k8s.requests.filter(
      (r) => !r.includes('watch=1') && r.includes('service-name%3Dpay'),
    ).length;
    await k8s.http.start();
    await rec.waitForEndpoints(['10.1.0.1:8080', '10.1.0.2:8080'], 10_000, 're-list after 410');
    const listsAfter = k8s.requests.filter(
      (r) => !r.includes('watch=1') && r.includes('service-name%3Dpay'),
    ).length;
    expect(listsAfter).toBeGreaterThan(listsBefore);
    stop();
  });

  it('reports a rejected token as degraded without logging it', async () => {
    const bad = createDiscoveryAdapter(
      registryOf('kubernetes', k8s.http.url, { namespace: 'shop' }),
      { token: 'wrong-token-123' },
      { logger: log.logger },
    );
    await expect(bad.list({ service: 'cart' })).rejects.toThrow(/HTTP 401/);
    await bad.close();
  });
});
