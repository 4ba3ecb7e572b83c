import { SignInThrottle } from '@portico/api';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningControlServer } from './control-server';

let database: TestDatabase;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.drop();
});

async function start(trustedProxies: string[]): Promise<string> {
  const { app, base } = await listeningControlServer({
    db: database.db,
    trustedProxies,
    // Per IP after 3 failures; per email never, so only the address decides here.
    signInThrottle: new SignInThrottle({ maxFailuresPerIp: 3, maxFailuresPerEmail: 1000 }),
  });
  apps.push(app);
  return base;
}

async function signInFrom(base: string, clientIp: string, n: number): Promise<number> {
  const response = await fetch(`${base}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
    body: JSON.stringify({ email: `nobody-${n}@example.test`, password: 'wrong password here' }),
  });
  await response.text();
  return response.status;
}

describe('client addresses behind the console', () => {
  it('locks out the client named by a trusted proxy, not everyone behind it', async () => {
    const base = await start(['127.0.0.1', '::1']);
    for (let i = 0; i < 3; i++) expect(await signInFrom(base, '203.0.113.7', i)).toBe(401);
    expect(await signInFrom(base, '203.0.113.7', 3)).toBe(429);
    expect(await signInFrom(base, '203.0.113.8', 4)).toBe(401);
  });

  it('ignores X-Forwarded-For from an untrusted peer, so it cannot dodge the lock-out', async () => {
    const base = await start([]);
    for (let i = 0; i < 3; i++) expect(await signInFrom(base, `198.51.100.${i}`, i)).toBe(401);
    expect(await signInFrom(base, '198.51.100.99', 3)).toBe(429);
  });
});
