import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventually, freePort } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loopbackService, startFedGateway } from './fed-gateway';
import { apiOf, startUpstream, type TestGateway, type Upstream } from './harness';
import { serviceStatus } from './traffic-support';

/** Real upstream servers on loopback and a real gateway: retries, budget, breaker, hashing, checks. */

interface Counted extends Upstream {
  hits: number;
  name: string;
}

const upstreams: Counted[] = [];
let gw: TestGateway | null = null;

async function counted(
  name: string,
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Counted> {
  const holder = { hits: 0 };
  const up = await startUpstream((req, res) => {
    if (req.url !== '/healthz') holder.hits++;
    req.resume();
    req.on('end', () => answer(req, res));
  });
  const entry = Object.assign(up, { name }) as Counted;
  Object.defineProperty(entry, 'hits', { get: () => holder.hits });
  upstreams.push(entry);
  return entry;
}

const ok = (name: string) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ instance: name }));
};
const status = (code: number) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(code);
  res.end();
};

async function gatewayFor(targets: Array<{ port: number }>, settings: Record<string, unknown>) {
  gw = await startFedGateway({
    snapshot: {
      services: [loopbackService('svc', targets, settings)],
      apis: [apiOf('api', '/api', 'svc')],
    },
  });
  return gw;
}

async function send(
  url: string,
  options: { method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string> } = {},
) {
  const res = await request(url, {
    method: options.method ?? 'GET',
    ...(options.body !== undefined ? { body: options.body } : {}),
    headers: options.headers ?? {},
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, headers: res.headers };
}

afterEach(async () => {
  await gw?.close();
  gw = null;
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});
afterAll(async () => {
  await gw?.close();
});

/** Passive ejection off and a budget covering every request: each retryable failure is retried. */
const EVERY_FAILURE_RETRIED = {
  healthCheck: { passive: { enabled: false } },
  retries: { budgetPercent: 100 },
};

describe('retries', () => {
  it('retries a GET answered 503 on a different instance, so the client sees 200', async () => {
    const bad = await counted('bad', status(503));
    const good = await counted('good', ok('good'));
    const g = await gatewayFor([bad, good], EVERY_FAILURE_RETRIED);
    for (let i = 0; i < 20; i++) {
      const res = await send(`${g.url}/api/x`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ instance: 'good' });
    }
    expect(bad.hits).toBeGreaterThan(0); // it was tried, and every failure went elsewhere
    expect(good.hits).toBe(20);
  });

  it('retries a refused connection on another instance', async () => {
    const good = await counted('good', ok('good'));
    const dead = { port: await freePort() };
    const g = await gatewayFor([dead, good], EVERY_FAILURE_RETRIED);
    for (let i = 0; i < 10; i++) expect((await send(`${g.url}/api/x`)).status).toBe(200);
  });

  it('does not retry a POST unless configured, and never one with a body', async () => {
    const bad = await counted('bad', status(503));
    const good = await counted('good', ok('good'));
    const g = await gatewayFor([bad, good], EVERY_FAILURE_RETRIED);
    const statuses = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await send(`${g.url}/api/x`, { method: 'POST' })).status);
    expect(statuses).toContain(503);
    await g.close();
    gw = null;

    const g2 = await gatewayFor([bad, good], {
      healthCheck: { passive: { enabled: false } },
      retries: { retryNonIdempotent: true, budgetPercent: 100 },
    });
    for (let i = 0; i < 10; i++)
      expect((await send(`${g2.url}/api/x`, { method: 'POST' })).status).toBe(200);
    const badBefore = bad.hits;
    const withBody = [];
    for (let i = 0; i < 10; i++)
      withBody.push((await send(`${g2.url}/api/x`, { method: 'POST', body: 'payload' })).status);
    // A body already streamed to the first instance is not replayed: its 503 reaches the client.
    expect(withBody).toContain(503);
    expect(bad.hits - badBefore).toBe(withBody.filter((s) => s === 503).length);
  });

  it('keeps retries within the budget when every instance fails', async () => {
    const a = await counted('a', status(503));
    const b = await counted('b', status(503));
    const c = await counted('c', status(503));
    const g = await gatewayFor([a, b, c], {
      healthCheck: { passive: { enabled: false } },
      retries: { attempts: 2, budgetPercent: 10 },
    });
    for (let i = 0; i < 40; i++) expect((await send(`${g.url}/api/x`)).status).toBe(503);
    const upstreamRequests = a.hits + b.hits + c.hits;
    // Without a budget: 40 × 3 attempts = 120. With it: 10% of 40 plus the floor of 3.
    expect(upstreamRequests).toBeLessThanOrEqual(40 + 4 + 3);
  });
});

describe('timeouts', () => {
  it('answers 504 when the whole exchange exceeds the total timeout, even while bytes trickle', async () => {
    const slow = await counted('slow', (_req, res) => {
      // Headers at once, then one byte every 100 ms: neither connect nor first-byte times out.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
    });
    const g = await gatewayFor([slow], {
      timeouts: { connectMs: 1000, firstByteMs: 5000, totalMs: 400 },
    });
    const started = performance.now();
    const outcome = await request(`${g.url}/api/x`)
      .then(
        async (res) => {
          await res.body.text();
          return 'completed';
        },
        () => 'cut',
      )
      .catch(() => 'cut');
    const tookMs = performance.now() - started;
    // Headers were already sent, so the gateway cuts the stream at the deadline.
    expect(outcome).toBe('cut');
    expect(tookMs).toBeLessThan(2000);
  });

  it('answers 504 GW_UPSTREAM_TIMEOUT when nothing arrives before the total timeout', async () => {
    const stuck = await counted('stuck', () => undefined);
    const g = await gatewayFor([stuck], {
      timeouts: { connectMs: 1000, firstByteMs: 5000, totalMs: 300 },
    });
    const started = performance.now();
    const res = await send(`${g.url}/api/x`);
    expect(res.status).toBe(504);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'GW_UPSTREAM_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('circuit breaker', () => {
  it('opens after the failure rate, answering 503 GW_CIRCUIT_OPEN without calling the service', async () => {
    const failing = await counted('failing', status(500));
    const g = await gatewayFor([failing], {
      circuitBreaker: {
        enabled: true,
        failureRatePercent: 50,
        minimumRequests: 5,
        windowMs: 10_000,
        openMs: 60_000,
      },
      healthCheck: { passive: { enabled: false } },
    });
    for (let i = 0; i < 5; i++) expect((await send(`${g.url}/api/x`)).status).toBe(500);
    const hits = failing.hits;
    const started = performance.now();
    const res = await send(`${g.url}/api/x`);
    const tookMs = performance.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({ code: 'GW_CIRCUIT_OPEN' });
    expect(res.headers['retry-after']).toBe('60');
    expect(failing.hits).toBe(hits);
    expect(tookMs).toBeLessThan(100);
    const view = await serviceStatus(g.statusUrl, 'svc');
    expect((view as { circuitBreaker?: string } | null)?.circuitBreaker).toBe('open');
  });
});

describe('load balancing and health through the gateway', () => {
  it('consistent hashing on a header keeps a tenant on one instance', async () => {
    const ups = await Promise.all(['a', 'b', 'c'].map((n) => counted(n, ok(n))));
    const g = await gatewayFor(ups, {
      loadBalancer: { algorithm: 'consistent-hash', hashOn: 'header', hashHeader: 'x-tenant' },
    });
    const seen = new Map<string, Set<string>>();
    for (let i = 0; i < 60; i++) {
      const tenant = `tenant-${i % 6}`;
      const res = await send(`${g.url}/api/x`, { headers: { 'x-tenant': tenant } });
      const set = seen.get(tenant) ?? new Set();
      set.add((JSON.parse(res.text) as { instance: string }).instance);
      seen.set(tenant, set);
    }
    for (const instances of seen.values()) expect(instances.size).toBe(1);
  });

  it('active checks take an instance whose health endpoint fails out of rotation, with the reason', async () => {
    const sick = await counted('sick', (req, res) =>
      req.url === '/healthz' ? status(500)(req, res) : ok('sick')(req, res),
    );
    const well = await counted('well', ok('well'));
    const g = await gatewayFor([sick, well], {
      healthCheck: {
        active: { enabled: true, path: '/healthz', intervalMs: 100, unhealthyThreshold: 2 },
        panicThresholdPercent: 0,
      },
    });
    await eventually(
      async () =>
        (await serviceStatus(g.statusUrl, 'svc'))?.instances.find((i) => i.port === sick.port)
          ?.state === 'unhealthy',
      5_000,
      'sick instance marked unhealthy',
    );
    const view = await serviceStatus(g.statusUrl, 'svc');
    expect(view?.instances.find((i) => i.port === sick.port)?.reason).toMatch(
      /^active: \d+ failed checks of \/healthz in a row \(last: HTTP 500\)/,
    );
    const before = sick.hits;
    for (let i = 0; i < 10; i++) expect((await send(`${g.url}/api/x`)).text).toContain('well');
    expect(sick.hits).toBe(before);
  });

  it('passive health ejects an instance failing live traffic and /status says why', async () => {
    const broken = await counted('broken', status(502));
    const good = await counted('good', ok('good'));
    const g = await gatewayFor([broken, good], {
      healthCheck: { passive: { consecutiveFailures: 2, baseEjectionMs: 60_000 } },
    });
    for (let i = 0; i < 10; i++) expect((await send(`${g.url}/api/x`)).status).toBe(200);
    const entry = (await serviceStatus(g.statusUrl, 'svc'))?.instances.find(
      (i) => i.port === broken.port,
    );
    expect(entry?.state).toBe('ejected');
    expect(entry?.reason).toMatch(/^passive: failures on live traffic/);
  });
});
