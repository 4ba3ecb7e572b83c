import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import { ConsulDouble } from './doubles/consul-double';
import { recordingLogger, registryOf } from './doubles/registry-fixture';

const TOKEN = 'consul-acl-3f9a1c77-secret';
let consul: ConsulDouble;
let adapter: DiscoveryAdapter;
const log = recordingLogger();

beforeAll(async () => {
  consul = new ConsulDouble(TOKEN, 'dc1');
  await consul.http.start();
  adapter = createDiscoveryAdapter(
    registryOf('consul', consul.http.url, { waitSeconds: 5 }),
    { token: TOKEN },
    { logger: log.logger, random: () => 0 },
  );
});
afterAll(async () => {
  await adapter?.close();
  await consul?.http.stop();
});

describe('consul adapter against an in-process Consul API double', () => {
  it('follows a service through blocking queries: initial set, addition, removal, outage with last set kept, recovery', async () => {
    consul.upsert({
      node: 'n1',
      id: 'web-1',
      service: 'web',
      address: '127.0.0.1',
      port: 9001,
      tags: ['v1'],
      meta: { zone: 'eu-1' },
      weights: { Passing: 7, Warning: 1 },
    });
    consul.upsert({
      node: 'n2',
      id: 'web-2',
      service: 'web',
      address: '',
      nodeAddress: '127.0.0.2',
      port: 9002,
      tags: ['v1'],
    });

    const listed = await adapter.list({ service: 'web' });
    expect(listed.map((i) => `${i.address}:${i.port}`).sort()).toEqual([
      '127.0.0.1:9001',
      '127.0.0.2:9002',
    ]);
    expect(listed.find((i) => i.port === 9001)).toMatchObject({
      id: 'n1/web-1',
      weight: 7,
      zone: 'eu-1',
    });
    expect(await adapter.listServices()).toContain('web');

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'web' }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');

    consul.upsert({ node: 'n3', id: 'web-3', service: 'web', address: '127.0.0.3', port: 9003 });
    await rec.waitFor((u) => endpoints(u).includes('127.0.0.3:9003'), 3000, 'added instance');

    consul.setCheck('n1', 'web-1', 'critical');
    await rec.waitForEndpoints(
      ['127.0.0.2:9002', '127.0.0.3:9003'],
      3000,
      'failing instance dropped',
    );

    const outage = await rec.throughOutage(consul.http, {
      whileDown: () => consul.deregister('n2', 'web-2'),
      recoveredTo: ['127.0.0.3:9003'],
      timeoutMs: 10_000,
    });
    expect(outage.kept).toEqual(['127.0.0.2:9002', '127.0.0.3:9003']);
    expect(outage.recovered.lastSyncAt).not.toBeNull();

    // Deregistering the last instance moves the index forward: a real, authoritative change.
    // web-1 is still registered (critical), so deregister it too: then nothing is left at all.
    consul.deregister('n1', 'web-1');
    consul.deregister('n3', 'web-3');
    const empty = await rec.waitFor((u) => u.instances.length === 0, 3000, 'authoritative empty');
    expect(empty.status).toBe('ok');
    stop();
    expect(consul.tokensSeen.every((t) => t === TOKEN)).toBe(true);
    expect(log.lines.join('\n')).not.toContain(TOKEN);
  });

  it('keeps the last set when every instance turns critical at once, and empties only on deregistration', async () => {
    consul.upsert({ node: 'n1', id: 'q-1', service: 'queue', address: '127.0.0.1', port: 9301 });
    consul.upsert({ node: 'n2', id: 'q-2', service: 'queue', address: '127.0.0.1', port: 9302 });
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'queue' }, rec.listener);
    await rec.waitFor((u) => endpoints(u).length === 2, 3000, 'initial');
    consul.setCheck('n1', 'q-1', 'critical');
    consul.setCheck('n2', 'q-2', 'critical');
    const kept = await rec.waitFor((u) => u.status === 'degraded', 3000, 'all critical refused');
    expect(endpoints(kept)).toEqual(['127.0.0.1:9301', '127.0.0.1:9302']);
    consul.deregister('n1', 'q-1');
    consul.deregister('n2', 'q-2');
    const empty = await rec.waitFor(
      (u) => u.status === 'ok' && u.instances.length === 0,
      3000,
      'deregistered',
    );
    expect(empty.error).toBeNull();
    stop();
  });

  it('applies tag and datacenter filters and reports a wrong datacenter as degraded', async () => {
    consul.upsert({
      node: 'n1',
      id: 'api-blue',
      service: 'api',
      address: '127.0.0.1',
      port: 9101,
      tags: ['blue', 'http'],
    });
    consul.upsert({
      node: 'n1',
      id: 'api-green',
      service: 'api',
      address: '127.0.0.1',
      port: 9102,
      tags: ['green', 'http'],
    });
    const blue = await adapter.list({ service: 'api', tags: ['blue', 'http'], datacenter: 'dc1' });
    expect(blue.map((i) => i.port)).toEqual([9101]);
    await expect(adapter.list({ service: 'api', datacenter: 'dc9' })).rejects.toThrow(/HTTP 500/);

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'api', datacenter: 'dc9' }, rec.listener);
    const update = await rec.waitFor(
      (u) => u.status === 'degraded',
      3000,
      'degraded for unknown dc',
    );
    expect(update.instances).toEqual([]);
    expect(update.error).toMatch(/HTTP 500/);
    stop();
  });

  it('keeps the last set when Consul comes back empty with an index that went backwards', async () => {
    consul.upsert({ node: 'n1', id: 'db-1', service: 'db', address: '127.0.0.1', port: 9201 });
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'db' }, rec.listener);
    await rec.waitForEndpoints(['127.0.0.1:9201'], 3000, 'initial');
    // A rebuilt Consul holds the blocking query until `wait` passes, then answers a lower index.
    consul.wipe();
    const update = await rec.waitFor((u) => u.status === 'degraded', 9000, 'degraded after reset');
    expect(endpoints(update)).toEqual(['127.0.0.1:9201']);
    stop();
  });

  it('refuses a wrong ACL token as degraded without logging the token', async () => {
    const bad = createDiscoveryAdapter(
      registryOf('consul', consul.http.url),
      { token: 'wrong-token-value' },
      { logger: log.logger },
    );
    await expect(bad.list({ service: 'web' })).rejects.toThrow(/HTTP 403/);
    await bad.close();
  });
});
