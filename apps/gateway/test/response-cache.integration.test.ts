import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret } from '@portico/keys';
import { eventually } from '@portico/testkit';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/gateway';
import { responseCacheRedisOptions } from '../src/policies/redis-response-cache';
import { keysUnder } from '../src/testing/redis-test-support';
import { credentialSet } from './credential-set';
import { loopbackService } from './fed-gateway';
import { apiOf, CapturingAnalytics, published, startUpstream, type Upstream } from './harness';

const KEY_A = generateSecret('apiKey');
const KEY_B = generateSecret('apiKey');
const PREFIX = `test-gwcache-${randomBytes(6).toString('hex')}:`;

interface CachingGateway {
  gateway: Gateway;
  url: string;
  statusUrl: string;
  redis: Redis;
  close(): Promise<void>;
}

/** A gateway process with its own cache connection to the shared Redis, as `main` builds it. */
async function startCachingGateway(name: string): Promise<CachingGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), 'portico-gw-cache-'));
  const redis = new Redis('redis://127.0.0.1:6379', {
    ...responseCacheRedisOptions,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  await redis.connect();
  const gateway = createGateway({
    controlUrl: 'http://127.0.0.1:9',
    token: 'pdp_test',
    nodeId: `test-cache-${name}-${process.pid}`,
    stateDir,
    syncWaitSeconds: 5,
    trustedProxies: [],
    maxHeaderBytes: 65_536,
    logLevel: 'silent',
    limiter: null,
    analytics: new CapturingAnalytics(),
    responseCache: { redis, redisKeyPrefix: PREFIX, redisBudgetMs: 200 },
    minBackoffMs: 50,
    maxBackoffMs: 500,
  });
  await gateway.start();
  await gateway.proxy.listen({ port: 0, host: '127.0.0.1' });
  await gateway.status.listen({ port: 0, host: '127.0.0.1' });
  const port = (gateway.proxy.server.address() as AddressInfo).port;
  const statusPort = (gateway.status.server.address() as AddressInfo).port;
  const ok = await gateway.sync.applyResponse({
    config: publishedConfig(),
    credentials: {
      mode: 'full',
      ...credentialSet([
        { id: 'con_a', name: 'acme', key: KEY_A, planId: 'free' },
        { id: 'con_b', name: 'globex', key: KEY_B, planId: 'free' },
      ]),
    },
  });
  expect(ok).toBe(true);
  return {
    gateway,
    url: `http://127.0.0.1:${port}`,
    statusUrl: `http://127.0.0.1:${statusPort}`,
    redis,
    async close() {
      await gateway.close(1000);
      redis.disconnect();
      await rm(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

let upstream: Upstream;
let upstreamCalls = 0;

function publishedConfig() {
  return published(1, {
    services: [loopbackService('svc', [upstream])],
    apis: [
      apiOf('shared', '/shared', 'svc', {
        auth: { type: 'key' },
        policies: { cache: { enabled: true, ttlSeconds: 60, store: 'redis' } },
      }),
    ],
    plans: [{ id: 'free', name: 'free', apiIds: ['shared'] }],
  });
}

/** Every key under the test's prefix. */
function cacheKeys(redis: Redis): Promise<string[]> {
  return keysUnder(redis, PREFIX);
}

let first: CachingGateway;
let second: CachingGateway;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    upstreamCalls++;
    const body = JSON.stringify({ call: upstreamCalls, url: req.url });
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'x-upstream': 'yes',
    };
    // Without a content-length Node sends the body chunked.
    if (!req.url?.includes('chunked')) headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(200, headers);
    res.end(body);
  });
  first = await startCachingGateway('one');
  second = await startCachingGateway('two');
});
afterAll(async () => {
  const keys = await cacheKeys(first.redis);
  if (keys.length > 0) await first.redis.del(...keys);
  await first.close();
  await second.close();
  await upstream.close();
});

async function get(gw: CachingGateway, key: string, path = '/shared/report') {
  const res = await request(`${gw.url}${path}`, { headers: { 'x-api-key': key } });
  const body = (await res.body.json()) as { call: number; url: string };
  return { status: res.statusCode, headers: res.headers, body };
}

function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series}`);
  return Number(line.slice(series.length + 1));
}

async function metricsOf(gw: CachingGateway): Promise<string> {
  return (await request(`${gw.statusUrl}/metrics`)).body.text();
}

describe('response cache in Redis across gateway processes', () => {
  it('answers MISS on one gateway, then HIT from another for the same consumer, and MISS for another consumer', async () => {
    const miss = await get(first, KEY_A.clear);
    expect(miss.status).toBe(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    const callsAfterMiss = upstreamCalls;
    // The entry is written once the body has streamed; wait for it to reach Redis.
    await eventually(async () => (await cacheKeys(first.redis)).length === 1, 5000, 'the entry');
    const [stored] = await cacheKeys(first.redis);
    // Key names carry no consumer id or path: prefix + sha256.
    expect(stored).toMatch(new RegExp(`^${PREFIX}[0-9a-f]{64}$`));

    const hit = await get(second, KEY_A.clear);
    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    expect(hit.headers['x-upstream']).toBe('yes');
    // The request id is the new request's, never the one stored with the entry.
    expect(hit.headers['x-request-id']).toBeDefined();
    expect(hit.headers['x-request-id']).not.toBe(miss.headers['x-request-id']);
    expect(upstreamCalls).toBe(callsAfterMiss);

    const otherConsumer = await get(second, KEY_B.clear);
    expect(otherConsumer.headers['x-cache']).toBe('MISS');
    expect(otherConsumer.body.call).toBe(callsAfterMiss + 1);

    const metrics = await metricsOf(second);
    expect(metric(metrics, 'portico_response_cache_hits_total{store="redis"}')).toBe(1);
    expect(metric(metrics, 'portico_response_cache_misses_total{store="redis"}')).toBe(1);
    expect(metric(metrics, 'portico_response_cache_hits_total{store="memory"}')).toBe(0);
  });

  it('fetches afresh when the client sends no-cache, on either gateway', async () => {
    const path = '/shared/fresh';
    const miss = await get(first, KEY_A.clear, path);
    expect(miss.headers['x-cache']).toBe('MISS');
    await eventually(async () => (await cacheKeys(first.redis)).length >= 2, 5000, 'the entry');
    expect((await get(second, KEY_A.clear, path)).headers['x-cache']).toBe('HIT');
    const forced = await request(`${second.url}${path}`, {
      headers: { 'x-api-key': KEY_A.clear, 'cache-control': 'no-cache' },
    });
    const forcedBody = (await forced.body.json()) as { call: number };
    expect(forced.headers['x-cache']).toBe('MISS');
    expect(forcedBody.call).toBeGreaterThan(miss.body.call);
  });

  it.each([
    ['with a content-length', '/shared/head-sized'],
    ['sent chunked', '/shared/head-chunked'],
  ])('never serves a GET the empty body of a HEAD answer %s', async (_what, path) => {
    // Writes of earlier tests, on either gateway's connection, must not land during the count.
    for (const gw of [first, second]) {
      await eventually(
        async () =>
          metric(await metricsOf(gw), 'portico_response_cache_redis_pending_write_bytes') === 0,
        5000,
        'earlier writes to be answered',
      );
    }
    const before = (await cacheKeys(first.redis)).length;
    const head = await request(`${first.url}${path}`, {
      method: 'HEAD',
      headers: { 'x-api-key': KEY_A.clear },
    });
    await head.body.dump();
    expect(head.statusCode).toBe(200);
    expect(head.headers['x-cache']).toBe('MISS');
    // A GET through the same gateway after it: its entry lands once any write the HEAD caused
    // has (commands on one connection are answered in order), so one new key means the HEAD
    // stored nothing.
    await get(first, KEY_A.clear, `${path}-marker`);
    await eventually(
      async () => (await cacheKeys(first.redis)).length > before,
      5000,
      'the marker entry',
    );
    expect(await cacheKeys(first.redis)).toHaveLength(before + 1);
    const got = await get(second, KEY_A.clear, path);
    expect(got.body.url).toBe(path.replace('/shared', ''));
    expect(got.headers['x-cache']).toBe('MISS');
  });
});
