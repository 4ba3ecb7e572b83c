import { SignInThrottle } from '@portico/api';
import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningControlServer } from './control-server';
import { mutate, sessionCookieFrom, type TrpcReply } from './http-client';

const OWNER = { email: 'owner@example.test', password: 'a long enough password', name: 'Owner' };
const WRONG = { email: OWNER.email, password: 'not the password' };
const RIGHT = { email: OWNER.email, password: OWNER.password };

let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let clockMs = Date.parse('2026-03-01T12:00:00Z');
const logLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, base } = await listeningControlServer({
    db: database.db,
    now: () => new Date(clockMs),
    signInThrottle: new SignInThrottle(),
    logger: { level: 'warn', stream: { write: (line: string) => void logLines.push(line) } },
  }));
  expect((await mutate(base, 'auth.setup', OWNER)).status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

async function timed(input: unknown): Promise<{ reply: TrpcReply; ms: number }> {
  const started = performance.now();
  const reply = await mutate(base, 'auth.signIn', input);
  return { reply, ms: performance.now() - started };
}

describe('auth.signIn brute-force protection over HTTP', () => {
  it('after 5 wrong passwords the right one is refused with 429 and Retry-After until the lock-out ends', async () => {
    const failures: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { reply, ms } = await timed(WRONG);
      expect(reply.status).toBe(401);
      expect(reply.body.error?.data.code).toBe('UNAUTHORIZED');
      failures.push(ms);
    }

    const refusals: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { reply, ms } = await timed(RIGHT);
      expect(reply.status).toBe(429);
      expect(reply.headers.get('retry-after')).toBe('60');
      expect(reply.body.error?.data.code).toBe('TOO_MANY_REQUESTS');
      expect(reply.body.error?.message).toMatch(/try again in 60 seconds/);
      expect(reply.body.error?.data.requestId).toBe(reply.headers.get('x-request-id'));
      expect(sessionCookieFrom(reply.headers)).toBeNull();
      refusals.push(ms);
    }
    // The right password is refused: the throttle decides before the password is looked at.
    expect(refusals).toHaveLength(3);

    // Half-way through the lock-out the wait shrinks accordingly.
    clockMs += 30_000;
    const halfway = await mutate(base, 'auth.signIn', RIGHT);
    expect(halfway.status).toBe(429);
    expect(halfway.headers.get('retry-after')).toBe('30');

    clockMs += 30_000;
    const after = await mutate(base, 'auth.signIn', RIGHT);
    expect(after.status).toBe(200);
    expect(sessionCookieFrom(after.headers)).not.toBeNull();

    // The success reset the count: a single wrong password afterwards is a plain 401 again.
    expect((await mutate(base, 'auth.signIn', WRONG)).status).toBe(401);
    expect((await mutate(base, 'auth.signIn', RIGHT)).status).toBe(200);
  });

  it('logs failed and throttled sign-ins with the request id and email, never the password', () => {
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = entries.filter((e) => e.msg === 'sign-in failed');
    const throttled = entries.filter((e) => e.msg === 'sign-in throttled');
    expect(failed.length).toBe(6);
    expect(throttled.length).toBe(4);
    for (const entry of [...failed, ...throttled]) {
      expect(entry.requestId).toMatch(/^req_/);
      expect(entry.email).toBe(OWNER.email);
    }
    const all = logLines.join('\n');
    expect(all).not.toContain(OWNER.password);
    expect(all).not.toContain(WRONG.password);
  });
});
