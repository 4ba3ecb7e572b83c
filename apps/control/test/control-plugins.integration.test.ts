import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeFeed, createChangeFeed } from '../src/dp/change-feed';
import { listeningControlServer } from './control-server';
import { dataOf, mutate, setUpOwner } from './http-client';

let database: TestDatabase;
let redis: Redis;
let changeFeed: ChangeFeed;
let app: FastifyInstance;
let base: string;
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  changeFeed = createChangeFeed(database.url);
  ({ app, base } = await listeningControlServer({
    db: database.db,
    changeFeed,
    redis,
    registryKeyPrefix: `test:${randomBytes(6).toString('hex')}:`,
  }));
  cookie = await setUpOwner(base, {
    email: 'owner@example.test',
    password: 'a long enough password',
    name: 'O',
  });
});

afterAll(async () => {
  await app?.close();
  await changeFeed?.close();
  redis?.disconnect();
  await database?.drop();
});

describe('feature plugins mounted by buildControlServer', () => {
  it('/dp/v1 and /registry/v1 are served and refuse requests without credentials', async () => {
    const dp = await fetch(`${base}/dp/v1/config`);
    expect(dp.status).toBe(401);
    expect(dp.headers.get('content-type')).toContain('application/problem+json');
    const registry = await fetch(`${base}/registry/v1/services`);
    expect(registry.status).toBe(401);
  });

  it('registries.test lists the built-in registry services through its discovery adapter and a registry token', async () => {
    const token = await mutate(
      base,
      'tokens.createMachine',
      { kind: 'registry', name: 'probe', scopes: ['read', 'register'] },
      { cookie },
    );
    const clear = dataOf<{ token: string }>(token).token;
    const register = await fetch(`${base}/registry/v1/services/orders/instances/orders-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${clear}`, 'content-type': 'application/json' },
      body: JSON.stringify({ address: '127.0.0.1', port: 9100, ttlSeconds: 30 }),
    });
    expect(register.status, await register.text()).toBeLessThan(300);

    const created = await mutate(
      base,
      'registries.create',
      { name: 'builtin', type: 'builtin', address: base, credentials: { token: clear } },
      { cookie },
    );
    const registryId = dataOf<{ id: string }>(created).id;
    const tested = await mutate(base, 'registries.test', { id: registryId }, { cookie });
    expect(tested.body.result?.data).toMatchObject({ ok: true, services: ['orders'] });

    await mutate(base, 'registries.update', { id: registryId, credentials: null }, { cookie });
    const refused = await mutate(base, 'registries.test', { id: registryId }, { cookie });
    expect(refused.body.result?.data).toMatchObject({
      ok: false,
      services: null,
      registry: { lastStatus: 'failed' },
    });
  });
});
