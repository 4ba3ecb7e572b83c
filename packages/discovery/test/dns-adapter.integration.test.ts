import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import {
  createDnsmasq,
  installedOrWarn,
  type LocalServer,
} from '../src/testing/local-registry-servers';
import { registryOf } from './doubles/registry-fixture';

const available = installedOrWarn('dnsmasq', 'dnsmasq-base');

const SRV = '_http._tcp.pay.test';
/** Target n answers 127.0.0.n on port 29010+n with SRV weight 10n. */
const records = (targets: number[]) => [
  ...targets.map((n) => `srv-host=${SRV},inst${n}.pay.test,${29010 + n},0,${n * 10}`),
  ...targets.map((n) => `host-record=inst${n}.pay.test,127.0.0.${n}`),
  // A lower-preference group: used only if no target of priority 0 resolves.
  `srv-host=${SRV},backup.pay.test,29999,5,10`,
  'host-record=backup.pay.test,127.0.0.99',
  'host-record=web.pay.test,127.0.0.7',
];

describe.skipIf(!available)('dns adapter against a real DNS server (dnsmasq)', () => {
  let dns: { server: LocalServer; port: number; setRecords(next: string[]): Promise<void> };
  let adapter: DiscoveryAdapter;

  beforeAll(async () => {
    dns = await createDnsmasq(records([1, 2]));
    await dns.server.start();
    adapter = createDiscoveryAdapter(
      registryOf('dns', '', {
        servers: [`127.0.0.1:${dns.port}`],
        srvTtlSeconds: 1,
        minTtlSeconds: 0.2,
        maxTtlSeconds: 1,
      }),
      {},
      { random: () => 0 },
    );
  });
  afterAll(async () => {
    await adapter?.close();
    await dns?.server.dispose();
  });

  it('resolves SRV with priority and weight, follows added and removed records, keeps the last set while DNS is down', async () => {
    const listed = await adapter.list({ service: SRV });
    expect(listed.map((i) => `${i.address}:${i.port}/${i.weight}`).sort()).toEqual([
      '127.0.0.1:29011/10',
      '127.0.0.2:29012/20',
    ]);
    expect(listed[0]?.metadata.priority).toBe('0');

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: SRV }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');

    await dns.setRecords(records([1, 2, 3]));
    await rec.waitFor((u) => endpoints(u).includes('127.0.0.3:29013'), 8000, 'added target');

    await dns.setRecords(records([1, 3]));
    await rec.waitFor(
      (u) => !endpoints(u).includes('127.0.0.2:29012') && endpoints(u).length === 2,
      8000,
      'removed target',
    );

    const outage = await rec.throughOutage(dns.server, { timeoutMs: 15_000 });
    expect(outage.kept).toEqual(['127.0.0.1:29011', '127.0.0.3:29013']);
    stop();
  });

  it('falls back to the next SRV priority when no target of the first resolves', async () => {
    await dns.setRecords([
      `srv-host=${SRV},gone.pay.test,29001,0,10`,
      `srv-host=${SRV},backup.pay.test,29999,5,10`,
      'host-record=backup.pay.test,127.0.0.99',
    ]);
    const instances = await adapter.list({ service: SRV });
    expect(instances.map((i) => `${i.address}:${i.port}`)).toEqual(['127.0.0.99:29999']);
    await dns.setRecords(records([1, 2]));
  });

  it('resolves a plain name to A records on the configured port', async () => {
    const plain = createDiscoveryAdapter(
      registryOf('dns', `127.0.0.1:${dns.port}`, { port: 8443 }),
      {},
    );
    const instances = await plain.list({ service: 'web.pay.test' });
    expect(instances.map((i) => `${i.address}:${i.port}`)).toEqual(['127.0.0.7:8443']);
    await expect(plain.list({ service: 'missing.pay.test' })).rejects.toThrow(
      /ENOTFOUND|ENODATA|failed/,
    );
    await plain.close();
  });

  it('never swaps in an empty set when a name stops resolving', async () => {
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'web.pay.test' }, rec.listener);
    await rec.waitFor((u) => endpoints(u).length === 1, 5000, 'initial');
    await dns.setRecords(records([1]).filter((r) => !r.includes('web.pay.test')));
    const update = await rec.waitFor((u) => u.status === 'degraded', 8000, 'degraded on NXDOMAIN');
    expect(update.instances).toHaveLength(1);
    stop();
  });
});
