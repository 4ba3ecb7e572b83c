import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import {
  createEtcd,
  installedOrWarn,
  type LocalServer,
} from '../src/testing/local-registry-servers';
import { recordingLogger, registryOf, watchWithWrongSecrets } from './doubles/registry-fixture';

const available = installedOrWarn('etcd', 'etcd-server');

describe.skipIf(!available)('etcd adapter against a real etcd server', () => {
  let etcd: { server: LocalServer; url: string };
  let writer: Etcd3;
  let adapter: DiscoveryAdapter;
  const log = recordingLogger();

  beforeAll(async () => {
    etcd = await createEtcd();
    await etcd.server.start();
    writer = new Etcd3({ hosts: etcd.url });
    adapter = createDiscoveryAdapter(
      registryOf('etcd', etcd.url, { prefix: '/services/' }),
      {},
      { logger: log.logger, random: () => 0 },
    );
  });
  afterAll(async () => {
    await adapter?.close();
    writer?.close();
    await etcd?.server.dispose();
  });

  const put = (service: string, id: string, port: number, extra: Record<string, unknown> = {}) =>
    writer
      .put(`/services/${service}/${id}`)
      .value(JSON.stringify({ address: '127.0.0.1', port, ...extra }));

  it('lists, follows puts and deletes, keeps the last set while etcd is down, and re-lists after recovery', async () => {
    await put('pay', 'a', 8001, { weight: 3, zone: 'z1', metadata: { version: '1' } });
    await put('pay', 'b', 8002);
    await writer.put('/services/pay/garbage').value('not json');

    const listed = await adapter.list({ service: 'pay' });
    expect(listed.map((i) => i.port).sort()).toEqual([8001, 8002]);
    expect(listed.find((i) => i.port === 8001)).toMatchObject({
      id: 'a',
      weight: 3,
      zone: 'z1',
      metadata: { version: '1' },
    });
    expect(await adapter.listServices()).toEqual(['pay']);

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'pay' }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');

    await put('pay', 'c', 8003);
    await rec.waitFor((u) => endpoints(u).includes('127.0.0.1:8003'), 3000, 'added instance');

    await writer.delete().key('/services/pay/a');
    await rec.waitForEndpoints(['127.0.0.1:8002', '127.0.0.1:8003'], 3000, 'removed instance');

    await etcd.server.stop();
    expect(await rec.degradedEndpoints(15_000, 'degraded while etcd is down')).toEqual([
      '127.0.0.1:8002',
      '127.0.0.1:8003',
    ]);

    await etcd.server.start();
    await put('pay', 'd', 8004);
    const recovered = await rec.waitFor(
      (u) => u.status === 'ok' && endpoints(u).includes('127.0.0.1:8004'),
      20_000,
      'recovery',
    );
    expect(endpoints(recovered)).toEqual(['127.0.0.1:8002', '127.0.0.1:8003', '127.0.0.1:8004']);

    // Deleting every key is etcd reporting DELETE events: an authoritative empty set.
    await writer.delete().prefix('/services/pay/');
    const empty = await rec.waitFor((u) => u.instances.length === 0, 5000, 'authoritative empty');
    expect(empty.status).toBe('ok');
    stop();
  });

  it('drops an instance whose lease expires (the registering process died)', async () => {
    const lease = writer.lease(2, { autoKeepAlive: false });
    await lease
      .put('/services/leased/x')
      .value(JSON.stringify({ address: '127.0.0.1', port: 8101 }));
    await put('leased', 'y', 8102);
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'leased' }, rec.listener);
    await rec.waitFor((u) => endpoints(u).length === 2, 5000, 'both');
    await rec.waitForEndpoints(['127.0.0.1:8102'], 10_000, 'lease expiry');
    stop();
  });

  it('authenticates with username and password, and a wrong password is reported without it', async () => {
    const secured = await createEtcd();
    await secured.server.start();
    const admin = new Etcd3({ hosts: secured.url });
    try {
      await admin.user('root').create('root-pass-9c2e');
      await admin.user('root').addRole('root');
      await admin.auth.authEnable();
      const authed = new Etcd3({
        hosts: secured.url,
        auth: { username: 'root', password: 'root-pass-9c2e' },
      });
      await authed
        .put('/services/secure/a')
        .value(JSON.stringify({ address: '127.0.0.1', port: 8201 }));
      authed.close();

      const good = createDiscoveryAdapter(registryOf('etcd', secured.url), {
        username: 'root',
        password: 'root-pass-9c2e',
      });
      expect((await good.list({ service: 'secure' })).map((i) => i.port)).toEqual([8201]);
      await good.close();

      const wrong = await watchWithWrongSecrets(
        registryOf('etcd', secured.url),
        { username: 'root', password: 'not-the-password-77' },
        'secure',
      );
      expect(wrong.update.error).not.toContain('not-the-password-77');
      expect(wrong.logged).not.toContain('not-the-password-77');
    } finally {
      admin.close();
      await secured.server.dispose();
    }
  });
});
