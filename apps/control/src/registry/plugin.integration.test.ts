import { eventually } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, startRegistryHarness } from './registry-test-harness';

let h: RegistryHarness;
let seq = 0;
const uniqueService = () => `svc-${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  h = await startRegistryHarness({ sweepIntervalMs: 200 });
});
afterAll(async () => {
  await h?.close();
});

function call(method: string, path: string, token: string | null, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${h.url}/registry/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const put = (service: string, id: string, body: unknown, token = h.tokens.register) =>
  call('PUT', `/services/${service}/instances/${id}`, token, body);

async function list(service: string) {
  const res = await call('GET', `/services/${service}`, h.tokens.read);
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    index: number;
    emptiedBy: string | null;
    instances: Array<{ id: string; port: number }>;
  };
  expect(res.headers.get('x-portico-index')).toBe(String(body.index));
  return body;
}

describe('built-in registry on real Redis and Postgres', () => {
  it('registers an instance, lists it and its service, and a renewal with the same record changes nothing', async () => {
    const service = uniqueService();
    const first = await put(service, 'i-1', {
      address: '127.0.0.1',
      port: 8081,
      metadata: { zone: 'a' },
      ttlSeconds: 30,
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ changed: true });
    const view = await list(service);
    expect(view.instances).toMatchObject([
      { id: 'i-1', address: '127.0.0.1', port: 8081, metadata: { zone: 'a' } },
    ]);

    const renewal = await put(service, 'i-1', {
      address: '127.0.0.1',
      port: 8081,
      metadata: { zone: 'a' },
      ttlSeconds: 30,
    });
    expect(await renewal.json()).toMatchObject({ changed: false, index: view.index });

    // lastUsedAt is touched in the background of the token lookup.
    await eventually(
      async () =>
        (await h.db.machineToken.findFirst({ where: { name: 'test register' } }))?.lastUsedAt !=
        null,
      5000,
      'lastUsedAt set on the register token',
    );

    const services = await call('GET', '/services', h.tokens.read);
    expect(((await services.json()) as { services: string[] }).services).toContain(service);
  });

  it('deregisters an instance, bumps the index, and answers 204 again for an instance already gone', async () => {
    const service = uniqueService();
    await put(service, 'i-1', { address: 'localhost', port: 8081 });
    await put(service, 'i-2', { address: '127.0.0.2', port: 8082 });
    const before = await list(service);
    const del = await call('DELETE', `/services/${service}/instances/i-1`, h.tokens.register);
    expect(del.status).toBe(204);
    const after = await list(service);
    expect(after.instances.map((i) => i.id)).toEqual(['i-2']);
    expect(after.index).toBeGreaterThan(before.index);
    expect(
      (await call('DELETE', `/services/${service}/instances/i-1`, h.tokens.register)).status,
    ).toBe(204);
    expect(after.emptiedBy).toBeNull();
    await call('DELETE', `/services/${service}/instances/i-2`, h.tokens.register);
    expect((await list(service)).emptiedBy).toBe('deregistered');
  });

  it('drops an instance whose heartbeats stop once its TTL passes, and the service leaves the list', async () => {
    const service = uniqueService();
    await put(service, 'short', { address: '127.0.0.1', port: 9000, ttlSeconds: 2 });
    const registeredAt = Date.now();
    expect((await list(service)).instances).toHaveLength(1);
    const deadline = Date.now() + 8000;
    let instances = 1;
    while (Date.now() < deadline && instances > 0) {
      await new Promise((r) => setTimeout(r, 100));
      instances = (await list(service)).instances.length;
    }
    expect(instances).toBe(0);
    expect(Date.now() - registeredAt).toBeGreaterThanOrEqual(1900);
    expect((await list(service)).emptiedBy).toBe('expired');
    const services = (await (await call('GET', '/services', h.tokens.read)).json()) as {
      services: string[];
    };
    expect(services.services).not.toContain(service);
  });

  it('blocking query answers at once for an older index and waits for the next change otherwise', async () => {
    const service = uniqueService();
    await put(service, 'a', { address: '127.0.0.1', port: 8001 });
    const { index } = await list(service);

    const immediate = await call(
      'GET',
      `/services/${service}?index=${index - 1}&wait=10s`,
      h.tokens.read,
    );
    expect(Number(immediate.headers.get('x-portico-index'))).toBe(index);

    const started = Date.now();
    const waiting = call('GET', `/services/${service}?index=${index}&wait=20s`, h.tokens.read);
    // Give the request a head start so it is parked on the index, then change the service.
    await new Promise((r) => setTimeout(r, 150));
    await put(service, 'b', { address: '127.0.0.1', port: 8002 });
    const woken = await waiting;
    expect(Date.now() - started).toBeLessThan(5000);
    const body = (await woken.json()) as { index: number; instances: Array<{ id: string }> };
    expect(body.index).toBeGreaterThan(index);
    expect(body.instances.map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('blocking query is woken by the sweeper when an instance expires', async () => {
    const service = uniqueService();
    await put(service, 'lasting', { address: '127.0.0.1', port: 8001, ttlSeconds: 60 });
    await put(service, 'fleeting', { address: '127.0.0.1', port: 8002, ttlSeconds: 2 });
    const { index } = await list(service);
    const res = await call('GET', `/services/${service}?index=${index}&wait=15s`, h.tokens.read);
    const body = (await res.json()) as { index: number; instances: Array<{ id: string }> };
    expect(body.instances.map((i) => i.id)).toEqual(['lasting']);
  });

  it('blocking query returns the same index when nothing changes within wait', async () => {
    const service = uniqueService();
    await put(service, 'a', { address: '127.0.0.1', port: 8001 });
    const { index } = await list(service);
    const res = await call('GET', `/services/${service}?index=${index}&wait=300ms`, h.tokens.read);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-portico-index')).toBe(String(index));
  });

  it('refuses callers without a valid registry token of the right scope, as problem+json with a request id', async () => {
    const service = uniqueService();
    const body = { address: '127.0.0.1', port: 8001 };
    const cases: Array<[string | null, number, string]> = [
      [null, 401, 'REG_UNAUTHORIZED'],
      [h.tokens.revoked, 401, 'REG_UNAUTHORIZED'],
      // A gateway's data-plane token reads the registry (a builtin registry needs no
      // credentials of its own) but never registers.
      [h.tokens.dataplane, 403, 'REG_FORBIDDEN'],
      ['prg_made-up', 401, 'REG_UNAUTHORIZED'],
      [h.tokens.read, 403, 'REG_FORBIDDEN'],
    ];
    for (const [token, status, code] of cases) {
      const res = await call('PUT', `/services/${service}/instances/x`, token, body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { code: string; requestId: string };
      expect(problem.code).toBe(code);
      expect(problem.requestId).toMatch(/^req_/);
    }
    const forbiddenRead = await call('GET', `/services/${service}`, h.tokens.register);
    expect(forbiddenRead.status).toBe(403);
    const gatewayRead = await call('GET', `/services/${service}`, h.tokens.dataplane);
    expect(gatewayRead.status).toBe(200);
    expect((await list(service)).instances).toHaveLength(0);
  });

  it('answers unknown registry routes with problem+json and leaves the host app its own 404', async () => {
    const res = await call('GET', '/nope', h.tokens.read);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('REG_NOT_FOUND');
    const host = await fetch(`${h.url}/elsewhere`);
    expect(host.status).toBe(404);
    expect(await host.json()).toEqual({ host: 'not found' });
  });

  it('rejects bad input with a clear message and writes nothing', async () => {
    const service = uniqueService();
    const bad: Array<[unknown, RegExp]> = [
      [{ address: '169.254.169.254', port: 80 }, /link-local/],
      [{ address: 'metadata.google.internal', port: 80 }, /metadata/],
      [{ address: 'not a host!', port: 80 }, /neither an IP address nor a host name/],
      [{ address: '127.0.0.1', port: 70000 }, /port must be 1-65535/],
      [{ address: '127.0.0.1', port: 0 }, /port must be 1-65535/],
      [{ address: '127.0.0.1' }, /body.port/],
      [{ address: '127.0.0.1', port: 80, ttlSeconds: 1 }, /ttlSeconds must be at least 2/],
    ];
    for (const [body, message] of bad) {
      const res = await put(service, 'i-1', body);
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe('REG_INVALID_INPUT');
      expect(problem.detail).toMatch(message);
    }
    const badId = await put(service, '-starts-with-dash', { address: '127.0.0.1', port: 80 });
    expect(badId.status).toBe(400);
    // Deregistering names what is wrong with the path the same way registering does.
    const badDelete = await call(
      'DELETE',
      `/services/${service}/instances/-starts-with-dash`,
      h.tokens.register,
    );
    expect(badDelete.status).toBe(400);
    const deleteProblem = (await badDelete.json()) as { code: string; detail: string };
    expect(deleteProblem.code).toBe('REG_INVALID_INPUT');
    expect(deleteProblem.detail).toMatch(/^instanceId: /);
    const notJson = await fetch(`${h.url}/registry/v1/services/${service}/instances/i-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${h.tokens.register}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { code: string }).code).toBe('REG_INVALID_INPUT');
    const badWait = await call('GET', `/services/${service}?index=1&wait=forever`, h.tokens.read);
    expect(badWait.status).toBe(400);

    expect((await list(service)).instances).toHaveLength(0);
    const services = (await (await call('GET', '/services', h.tokens.read)).json()) as {
      services: string[];
    };
    expect(services.services).not.toContain(service);
    expect(await h.redis.keys(`${h.keyPrefix}*svc:${service}:*`)).toEqual([]);
  });
});

describe('built-in registry with two control replicas on one Redis', () => {
  it('a blocking query on one replica is woken by a registration through the other', async () => {
    const Fastify = (await import('fastify')).default;
    const { builtinRegistryPlugin } = await import('./plugin');
    const replica = Fastify({ logger: false });
    await replica.register(builtinRegistryPlugin, {
      redis: h.redis,
      db: h.db,
      keyPrefix: h.keyPrefix,
      sweepIntervalMs: 200,
    });
    const replicaUrl = await replica.listen({ host: '127.0.0.1', port: 0 });
    try {
      const service = uniqueService();
      await put(service, 'a', { address: '127.0.0.1', port: 8001 });
      const { index } = await list(service);
      const waiting = fetch(
        `${replicaUrl}/registry/v1/services/${service}?index=${index}&wait=20s`,
        {
          headers: { authorization: `Bearer ${h.tokens.read}` },
        },
      );
      await new Promise((r) => setTimeout(r, 150));
      const started = Date.now();
      await put(service, 'b', { address: '127.0.0.1', port: 8002 });
      const body = (await (await waiting).json()) as { instances: Array<{ id: string }> };
      expect(Date.now() - started).toBeLessThan(3000);
      expect(body.instances.map((i) => i.id)).toEqual(['a', 'b']);
    } finally {
      await replica.close();
    }
  });
});

describe('built-in registry while Redis is unreachable', () => {
  it('boots, and answers 503 problem+json instead of hanging', async () => {
    const Fastify = (await import('fastify')).default;
    const { Redis } = await import('ioredis');
    const { builtinRegistryPlugin } = await import('./plugin');
    // Nothing listens on port 1 on loopback: every command fails fast.
    const deadRedis = new Redis({
      host: '127.0.0.1',
      port: 1,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => 200,
    });
    deadRedis.on('error', () => {});
    const app = Fastify({ logger: false });
    await app.register(builtinRegistryPlugin, {
      redis: deadRedis,
      db: h.db,
      keyPrefix: h.keyPrefix,
    });
    try {
      const res = await app.inject({
        method: 'PUT',
        url: '/registry/v1/services/svc/instances/i-1',
        headers: { authorization: `Bearer ${h.tokens.register}` },
        payload: { address: '127.0.0.1', port: 8080 },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'REG_UNAVAILABLE' });
    } finally {
      await app.close();
      deadRedis.disconnect();
    }
  });
});
