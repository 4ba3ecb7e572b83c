import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashcodeOf } from '../src/eureka-adapter';
import { createDiscoveryAdapter, type DiscoveryAdapter } from '../src/index';
import { endpoints, UpdateRecorder } from '../src/testing/index';
import { EurekaDouble } from './doubles/eureka-double';
import { recordingLogger, registryOf } from './doubles/registry-fixture';

const CREDENTIALS = { username: 'portico', password: 'eureka-pass-55aa' };
let eureka: EurekaDouble;
let adapter: DiscoveryAdapter;
const log = recordingLogger();

beforeAll(async () => {
  eureka = new EurekaDouble(CREDENTIALS);
  await eureka.http.start();
  adapter = createDiscoveryAdapter(
    registryOf('eureka', `${eureka.http.url}/eureka`, { pollSeconds: 0.1 }),
    CREDENTIALS,
    { logger: log.logger, random: () => 0 },
  );
});
afterAll(async () => {
  await adapter?.close();
  await eureka?.http.stop();
});

const up = (instanceId: string, port: number, extra: Record<string, unknown> = {}) =>
  eureka.put({
    app: 'PAY',
    instanceId,
    ipAddr: '127.0.0.1',
    port,
    status: 'UP',
    metadata: {},
    ...extra,
  });

describe('eureka adapter against an in-process Eureka API double (full + delta fetch)', () => {
  it('fetches everything, then follows deltas; only UP instances; keeps the last set while Eureka is down; recovers', async () => {
    up('pay-1', 8001, { metadata: { weight: '2' }, zone: 'us-east-1a' });
    up('pay-2', 8002);
    eureka.put({
      app: 'PAY',
      instanceId: 'pay-starting',
      ipAddr: '127.0.0.1',
      port: 8009,
      status: 'STARTING',
      metadata: {},
    });

    const listed = await adapter.list({ service: 'pay' });
    expect(listed.map((i) => i.port).sort()).toEqual([8001, 8002]);
    expect(listed.find((i) => i.port === 8001)).toMatchObject({ weight: 2, zone: 'us-east-1a' });
    expect(await adapter.listServices()).toEqual(['pay']);

    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'pay' }, rec.listener);
    await rec.waitFor((u) => u.status === 'ok' && endpoints(u).length === 2, 5000, 'initial set');
    const deltasBefore = eureka.deltaRequests;

    up('pay-3', 8003);
    await rec.waitFor((u) => endpoints(u).includes('127.0.0.1:8003'), 3000, 'added via delta');
    expect(eureka.deltaRequests).toBeGreaterThan(deltasBefore);

    eureka.setStatus('PAY', 'pay-1', 'DOWN');
    eureka.remove('PAY', 'pay-2');
    await rec.waitForEndpoints(['127.0.0.1:8003'], 3000, 'DOWN and DELETED dropped');

    await eureka.http.stop();
    expect(await rec.degradedEndpoints(5000, 'degraded')).toEqual(['127.0.0.1:8003']);

    await eureka.http.start();
    up('pay-4', 8004);
    await rec.waitFor(
      (u) => u.status === 'ok' && endpoints(u).join() === '127.0.0.1:8003,127.0.0.1:8004',
      5000,
      'recovery',
    );

    // Every instance DOWN: Eureka answering "nobody is up" is not trusted; the last set stays.
    eureka.setStatus('PAY', 'pay-3', 'DOWN');
    eureka.setStatus('PAY', 'pay-4', 'DOWN');
    const kept = await rec.waitFor((u) => u.status === 'degraded', 3000, 'empty refused');
    expect(endpoints(kept)).toEqual(['127.0.0.1:8003', '127.0.0.1:8004']);
    stop();
    expect(log.lines.join('\n')).not.toContain(CREDENTIALS.password);
  });

  it('falls back to a full fetch when the delta hashcode shows a missed change', async () => {
    eureka.put({
      app: 'CART',
      instanceId: 'cart-1',
      ipAddr: '127.0.0.1',
      port: 9001,
      status: 'UP',
      metadata: {},
    });
    const rec = new UpdateRecorder();
    const stop = adapter.watch({ service: 'cart' }, rec.listener);
    await rec.waitForEndpoints(['127.0.0.1:9001'], 3000, 'initial');
    const fullBefore = eureka.fullRequests;
    eureka.put({
      app: 'CART',
      instanceId: 'cart-2',
      ipAddr: '127.0.0.1',
      port: 9002,
      status: 'UP',
      metadata: {},
    });
    eureka.forgetRecentChanges(); // the ADDED never shows up in a delta
    await rec.waitFor(
      (u) => endpoints(u).includes('127.0.0.1:9002'),
      3000,
      'reconciled by full fetch',
    );
    expect(eureka.fullRequests).toBeGreaterThan(fullBefore);
    stop();
  });

  it('computes the reconcile hashcode the way Eureka does', () => {
    const local = new Map([
      [
        'A',
        new Map([
          ['1', { status: 'UP' }],
          ['2', { status: 'DOWN' }],
        ]),
      ],
      ['B', new Map([['3', { status: 'UP' }]])],
    ]);
    expect(hashcodeOf(local)).toBe('DOWN_1_UP_2_');
  });
});
