import { randomBytes } from 'node:crypto';
import {
  createDnsmasq,
  createEtcd,
  createZookeeper,
  hasBinary,
  hasZookeeper,
  type LocalServer,
} from '@portico/discovery/testing';
import { Etcd3 } from 'etcd3';
import zookeeper from 'node-zookeeper-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from './harness';
import {
  type ChildInstance,
  killAndStartScenario,
  startGatewayFollowing,
  startPlainUpstream,
} from './traffic-support';

/**
 * The kill/start scenario with etcd, ZooKeeper and DNS (dnsmasq) as the source: real registry
 * servers on loopback, real upstream processes, a real gateway following the registry.
 */

const SERVICE_ID = 'svc_orders';

const children: ChildInstance[] = [];
const servers: LocalServer[] = [];
let gw: TestGateway | null = null;

async function upstreams(ids: string[]): Promise<ChildInstance[]> {
  const started = await Promise.all(ids.map((id) => startPlainUpstream(id)));
  children.push(...started);
  return started;
}

async function gatewayFollowing(registry: Record<string, unknown>, service: string) {
  const following = await startGatewayFollowing({
    registry: { id: 'reg_1', name: 'source', ...registry },
    service: {
      id: SERVICE_ID,
      name: 'orders',
      targets: [],
      healthCheck: { passive: { consecutiveFailures: 3, baseEjectionMs: 5000 } },
    },
    registeredAs: service,
    api: { id: 'api_orders', basePath: '/orders' },
    instances: 3,
  });
  gw = following;
  return following;
}

function expectScenario(
  source: string,
  result: Awaited<ReturnType<typeof killAndStartScenario>>,
  pickupBoundMs = 1000,
) {
  console.log(
    `${source}: ${result.requests} requests, ${result.failed.length} failed; dead instance out after ${result.outAfterMs} ms; new instance served ${result.trafficAfterMs} ms after it was announced`,
  );
  expect(result.failed).toEqual([]);
  expect(result.requests).toBe(400);
  expect(result.outAfterMs).toBeLessThanOrEqual(2000);
  expect(result.trafficAfterMs).toBeLessThanOrEqual(pickupBoundMs);
  expect(result.servedByVictimAfterKill).toBe(0);
}

/**
 * The scenario for a registry that announces instances one by one: three announced, a gateway
 * following them, the first SIGKILLed (its record stays: passive health ejects it) and a fourth
 * (`<tag>-d`) announced mid-run.
 */
async function announcedInstancesScenario(
  tag: string,
  registry: Record<string, unknown>,
  announce: (instance: ChildInstance) => Promise<void>,
) {
  const [a, b, c] = await upstreams([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
  for (const inst of [a, b, c]) await announce(inst as ChildInstance);
  const g = await gatewayFollowing(registry, 'orders');
  return killAndStartScenario({
    gatewayUrl: g.url,
    statusUrl: g.statusUrl,
    serviceId: SERVICE_ID,
    victim: a as ChildInstance,
    announceFresh: async () => {
      const [fresh] = await upstreams([`${tag}-d`]);
      await announce(fresh as ChildInstance);
      return { instanceId: `${tag}-d`, announcedAt: Date.now() };
    },
  });
}

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await gw?.close();
  gw = null;
});
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.dispose()));
});

describe.skipIf(!hasBinary('etcd'))('instances from etcd (real etcd server)', () => {
  it('loses no request when an instance is SIGKILLed and serves a newly announced one within 1 s', async () => {
    const { server, url } = await createEtcd();
    servers.push(server);
    await server.start();
    const etcd = new Etcd3({ hosts: url });
    const prefix = `/portico-test-${randomBytes(4).toString('hex')}/`;
    const announce = async (c: ChildInstance) => {
      await etcd
        .put(`${prefix}orders/${c.id}`)
        .value(JSON.stringify({ address: '127.0.0.1', port: c.port, weight: 1 }));
    };
    try {
      // The dead process's record stays in etcd (nothing removed it).
      const result = await announcedInstancesScenario(
        'etcd',
        { type: 'etcd', address: url, options: { prefix } },
        announce,
      );
      expectScenario('etcd', result);
    } finally {
      etcd.close();
    }
  }, 90_000);
});

describe.skipIf(!hasZookeeper())('instances from ZooKeeper (real ZooKeeper server)', () => {
  it('loses no request when an instance is SIGKILLed and serves a newly announced one within 1 s', async () => {
    const { server, connectString } = await createZookeeper();
    servers.push(server);
    await server.start();
    const zk = zookeeper.createClient(connectString, { sessionTimeout: 5000 });
    await new Promise<void>((resolve) => {
      zk.once('connected', () => resolve());
      zk.connect();
    });
    const zkDo = <T>(op: (cb: (error: unknown, value?: T) => void) => void) =>
      new Promise<T | undefined>((resolve, reject) =>
        op((error, value) => (error ? reject(error) : resolve(value))),
      );
    const announce = async (c: ChildInstance) => {
      const record = { name: 'orders', id: c.id, address: '127.0.0.1', port: c.port };
      await zkDo<string>((cb) =>
        zk.create(
          `/services/orders/${c.id}`,
          Buffer.from(JSON.stringify(record)),
          zookeeper.CreateMode.EPHEMERAL,
          cb,
        ),
      );
    };
    try {
      await zkDo<string>((cb) => zk.mkdirp('/services/orders', cb));
      // The dead process's ephemeral znode belongs to the test's session and stays.
      const result = await announcedInstancesScenario(
        'zk',
        { type: 'zookeeper', address: connectString, options: { basePath: '/services' } },
        announce,
      );
      expectScenario('zookeeper', result);
    } finally {
      zk.close();
    }
  }, 120_000);
});

describe.skipIf(!hasBinary('dnsmasq'))('instances from DNS SRV records (real dnsmasq)', () => {
  it('loses no request when an instance is SIGKILLed and serves a newly published one within 1 s', async () => {
    const name = '_http._tcp.orders.portico.test';
    const records = (list: ChildInstance[]) =>
      list.flatMap((c) => [
        `srv-host=${name},${c.id}.portico.test,${c.port},0,10`,
        `host-record=${c.id}.portico.test,127.0.0.1`,
      ]);
    const [a, b, c] = await upstreams(['dns-a', 'dns-b', 'dns-c']);
    const live = [a, b, c] as ChildInstance[];
    const dns = await createDnsmasq(records(live));
    servers.push(dns.server);
    await dns.server.start();
    const g = await gatewayFollowing(
      {
        type: 'dns',
        address: `127.0.0.1:${dns.port}`,
        // Re-resolve four times a second, as an operator wanting sub-second pickup would.
        options: { minTtlSeconds: 0.25, srvTtlSeconds: 0.25 },
      },
      name,
    );
    const result = await killAndStartScenario({
      gatewayUrl: g.url,
      statusUrl: g.statusUrl,
      serviceId: SERVICE_ID,
      // The SRV record of the dead process stays published: passive health ejects it.
      victim: a as ChildInstance,
      announceFresh: async () => {
        const [fresh] = await upstreams(['dns-d']);
        // dnsmasq reads records at start: the new set is live once it has restarted.
        await dns.setRecords(records([...live, fresh as ChildInstance]));
        return { instanceId: 'dns-d', announcedAt: Date.now() };
      },
    });
    // Publishing restarts dnsmasq: lookups that fail while it is down make the adapter back off
    // before its next resolve, so pickup after a record change can take past one second.
    expectScenario('dns', result, 2000);
  }, 90_000);
});
