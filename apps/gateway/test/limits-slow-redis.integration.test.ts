import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from './gateway-process';
import { type LimitsFixture, sendKeyedItemRequest, startLimitsFixture } from './limits-fixture';
import { quotaPlanFixture } from './quota-plan-fixture';

/**
 * Redis 100 ms away: a TCP proxy in front of a private redis-server holds every reply for
 * 100 ms. Slow is not down: neither policy may answer 503 (the old 50 ms budget refused every
 * fail-closed request here), the quota stays exact, and the latency it adds to requests is
 * measured against the same gateway on a direct connection.
 */
const DELAY_MS = 100;
const QUOTA = 300;
const REQUESTS = 400;
const CONCURRENCY = 20;

let fixture: LimitsFixture;
let proxy: Server;
let proxyPort = 0;
const sockets = new Set<Socket>();

/** Forwards to Redis at once; delays every chunk Redis sends back by DELAY_MS, in order. */
async function startDelayingProxy(targetPort: number): Promise<void> {
  proxy = createServer((client) => {
    const server = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(server);
    client.pipe(server);
    server.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, DELAY_MS);
    });
    const close = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', close);
    server.on('error', close);
    client.on('close', close);
    server.on('close', close);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  const address = proxy.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  proxyPort = address.port;
}

beforeAll(async () => {
  fixture = await startLimitsFixture();
  await startDelayingProxy(fixture.redisServer.port);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  proxy?.close();
  await fixture?.close();
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(policy: 'open' | 'closed', redisPort: number, label: string) {
  const { key, consumerId, planId, snapshot, credentials } = quotaPlanFixture({
    name: label,
    policy,
    quota: QUOTA,
    upstreamPort: fixture.upstream.port,
  });
  const gateway: GatewayProcess = await startGatewayProcess({
    snapshot,
    credentials,
    workers: 2,
    env: {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PORTICO_REDIS_PREFIX: 'slow',
      PORTICO_ANALYTICS_ENABLED: 'false',
    },
  });
  const pool = new Pool(gateway.url, { connections: CONCURRENCY });
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let sent = 0;
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          sent += 1;
          const started = performance.now();
          await sendKeyedItemRequest(pool, sent, key.clear, statuses);
          latencies.push(performance.now() - started);
        }
      }),
    );
  } finally {
    await pool.close();
    await gateway.stop();
  }
  latencies.sort((a, b) => a - b);
  const counter = parseQuotaCounter(
    await fixture.admin.get(quotaCounterKey('slow:rl', planId, consumerId, 'day')),
  );
  return {
    statuses: Object.fromEntries(statuses),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    counted: counter?.count ?? -1,
  };
}

describe.each(['open', 'closed'] as const)('Redis 100 ms away (%s policy)', (policy) => {
  it('answers no 503, keeps the quota exact, and records the latency it adds', async () => {
    const direct = await run(policy, fixture.redisServer.port, 'direct');
    const slow = await run(policy, proxyPort, 'delayed');
    console.log(
      `Redis +${DELAY_MS} ms, ${policy}: ${JSON.stringify(slow.statuses)}; p50 ${slow.p50.toFixed(1)} ms, p99 ${slow.p99.toFixed(1)} ms (direct: p50 ${direct.p50.toFixed(1)} ms, p99 ${direct.p99.toFixed(1)} ms); added p50 ${(slow.p50 - direct.p50).toFixed(1)} ms, p99 ${(slow.p99 - direct.p99).toFixed(1)} ms`,
    );
    for (const result of [direct, slow]) {
      expect(result.statuses).toEqual({ 200: QUOTA, 429: REQUESTS - QUOTA });
      expect(result.counted).toBe(QUOTA);
    }
    // Every check near the quota goes to Redis: the delay shows in the slowest requests.
    expect(slow.p99).toBeGreaterThanOrEqual(DELAY_MS);
  }, 300_000);
});
