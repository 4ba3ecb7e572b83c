import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import {
  createZookeeper,
  hasZookeeper,
  type LocalServer,
  warnMissing,
} from '../src/testing/local-registry-servers';
import { recordingLogger, registryOf, watchWithWrongSecrets } from './doubles/registry-fixture';

const available = hasZookeeper();
if (!available) warnMissing('ZooKeeper', 'zookeeper');

/** A separate ZooKeeper session playing the registering services, as Curator would write. */
class CuratorLikeWriter {
  constructor(private readonly client: zookeeper.Client) {}

  static async connect(connectString: string): Promise<CuratorLikeWriter> {
    const client = zookeeper.createClient(connectString, {
      sessionTimeout: 2000,
      spinDelay: 200,
      retries: 0,
    });
    await new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    });
    return new CuratorLikeWriter(client);
  }

  private call<T>(run: (cb: (error: unknown, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) =>
      run((error, value) => (error ? reject(error) : resolve(value))),
    );
  }

  async register(
    service: string,
    id: string,
    port: number,
    mode = zookeeper.CreateMode.EPHEMERAL,
    payload: unknown = null,
  ) {
    await this.call<string>((cb) => this.client.mkdirp(`/services/${service}`, cb));
    const body = {
      name: service,
      id,
      address: '127.0.0.1',
      port,
      sslPort: null,
      payload,
      registrationTimeUTC: Date.now(),
      serviceType: 'DYNAMIC',
      uriSpec: null,
    };
    await this.call<string>((cb) =>
      this.client.create(`/services/${service}/${id}`, Buffer.from(JSON.stringify(body)), mode, cb),
    );
  }

  async unregister(service: string, id: string) {
    await this.call<void>((cb) =>
      this.client.remove(`/services/${service}/${id}`, -1, (e) => cb(e, undefined)),
    );
  }

  close() {
    this.client.close();
  }
}

describe.skipIf(!available)(
  'zookeeper adapter against a real ZooKeeper server (Curator layout)',
  () => {
    let zk: { server: LocalServer; connectString: string };
    let adapter: DiscoveryAdapter;
    const log = recordingLogger();

    beforeAll(async () => {
      zk = await createZookeeper();
      await zk.server.start();
      adapter = createDiscoveryAdapter(
        registryOf('zookeeper', zk.connectString, { basePath: '/services' }),
        {},
        { logger: log.logger, random: () => 0 },
      );
    }, 60_000);
    afterAll(async () => {
      await adapter?.close();
      await zk?.server.dispose();
    });

    it('lists, follows child changes, keeps the last set while ZooKeeper is down, and recovers', async () => {
      const writer = await CuratorLikeWriter.connect(zk.connectString);
      const persistent = zookeeper.CreateMode.PERSISTENT;
      await writer.register('pay', 'a', 8001, persistent, {
        '@class': 'x.Instance',
        metadata: { zone: 'z1', weight: '4' },
      });
      await writer.register('pay', 'b', 8002, persistent);

      const listed = await adapter.list({ service: 'pay' });
      expect(listed.map((i) => i.port).sort()).toEqual([8001, 8002]);
      expect(listed.find((i) => i.port === 8001)).toMatchObject({ id: 'a', zone: 'z1', weight: 4 });
      expect(await adapter.listServices()).toContain('pay');

      const rec = new UpdateRecorder();
      const stop = adapter.watch({ service: 'pay' }, rec.listener);
      await rec.waitFor(
        (u) => u.status === 'ok' && endpoints(u).length === 2,
        10_000,
        'initial set',
      );

      await writer.register('pay', 'c', 8003, persistent);
      await rec.waitFor((u) => endpoints(u).includes('127.0.0.1:8003'), 5000, 'added instance');

      await writer.unregister('pay', 'a');
      await rec.waitForEndpoints(['127.0.0.1:8002', '127.0.0.1:8003'], 5000, 'removed instance');
      writer.close();

      await zk.server.stop();
      expect(await rec.degradedEndpoints(15_000, 'degraded while down')).toEqual([
        '127.0.0.1:8002',
        '127.0.0.1:8003',
      ]);

      await zk.server.start();
      const writer2 = await CuratorLikeWriter.connect(zk.connectString);
      await writer2.register('pay', 'd', 8004, persistent);
      await rec.waitFor(
        (u) => u.status === 'ok' && endpoints(u).includes('127.0.0.1:8004'),
        30_000,
        'recovery',
      );

      // Removing the last znodes explicitly is an authoritative change.
      for (const id of ['b', 'c', 'd']) await writer2.unregister('pay', id);
      const empty = await rec.waitFor((u) => u.instances.length === 0, 5000, 'authoritative empty');
      expect(empty.status).toBe('ok');
      writer2.close();
      stop();
    }, 90_000);

    it('drops an ephemeral instance when its owner session ends', async () => {
      const owner = await CuratorLikeWriter.connect(zk.connectString);
      const other = await CuratorLikeWriter.connect(zk.connectString);
      await owner.register('eph', 'x', 8101);
      await other.register('eph', 'y', 8102);
      const rec = new UpdateRecorder();
      const stop = adapter.watch({ service: 'eph' }, rec.listener);
      await rec.waitFor((u) => endpoints(u).length === 2, 10_000, 'both');
      owner.close();
      await rec.waitForEndpoints(['127.0.0.1:8102'], 10_000, 'ephemeral node gone');
      other.close();
      stop();
    }, 30_000);
    it('reads ACL-protected znodes with a digest credential; with a wrong one the watch is degraded', async () => {
      const owner = zookeeper.createClient(zk.connectString, {
        sessionTimeout: 4000,
        spinDelay: 200,
        retries: 0,
      });
      owner.addAuthInfo('digest', Buffer.from('svc:zk-digest-pw-31'));
      await new Promise<void>((resolve) => {
        owner.once('connected', () => resolve());
        owner.connect();
      });
      const onlyOwner = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', ''))];
      const body = { name: 'locked', id: 'l1', address: '127.0.0.1', port: 8301, payload: null };
      await new Promise<void>((resolve, reject) =>
        owner.mkdirp('/services/locked', onlyOwner, zookeeper.CreateMode.PERSISTENT, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      await new Promise<void>((resolve, reject) =>
        owner.create(
          '/services/locked/l1',
          Buffer.from(JSON.stringify(body)),
          onlyOwner,
          zookeeper.CreateMode.EPHEMERAL,
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      const withDigest = createDiscoveryAdapter(registryOf('zookeeper', zk.connectString), {
        digest: 'svc:zk-digest-pw-31',
      });
      expect((await withDigest.list({ service: 'locked' })).map((i) => i.port)).toEqual([8301]);
      await withDigest.close();

      const wrong = await watchWithWrongSecrets(
        registryOf('zookeeper', zk.connectString),
        { digest: 'svc:wrong-pw-00' },
        'locked',
      );
      expect(wrong.update.error).toMatch(/NO_AUTH/);
      expect(wrong.logged).not.toContain('wrong-pw-00');
      owner.close();
    }, 30_000);
  },
);
