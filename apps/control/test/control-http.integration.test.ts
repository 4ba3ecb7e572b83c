import { createTestDatabase, type TestDatabase } from '@portico/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningControlServer, testControlServer } from './control-server';
import { dataOf, mutate, query, sessionCookieFrom, setUpOwner } from './http-client';

const CONSOLE_ORIGIN = 'http://console.example.test';
const OWNER = { email: 'owner@example.test', password: 'a long enough password', name: 'Owner' };

let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let ownerCookie: string;

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, base } = await listeningControlServer({
    db: database.db,
    consoleOrigins: [CONSOLE_ORIGIN],
  }));
  ownerCookie = await setUpOwner(base, OWNER);
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

/** A console mutation with the owner's session. */
const asOwner = (path: string, input: unknown) =>
  mutate(base, path, input, { cookie: ownerCookie });

describe('sessions over HTTP', () => {
  it('setup and sign-in set an HttpOnly SameSite=Lax session cookie that authenticates', async () => {
    const signIn = await mutate(base, 'auth.signIn', {
      email: OWNER.email,
      password: OWNER.password,
    });
    expect(signIn.status).toBe(200);
    const cookie = sessionCookieFrom(signIn.headers);
    expect(cookie?.attributes).toContain('HttpOnly');
    expect(cookie?.attributes).toContain('SameSite=Lax');
    expect(cookie?.attributes).toContain('Path=/');
    expect(cookie?.attributes).not.toContain('Secure');
    const me = await query(base, 'auth.me', undefined, { cookie: cookie?.pair ?? '' });
    expect(me.status).toBe(200);
    expect(me.body.result?.data).toMatchObject({
      user: { email: OWNER.email, role: 'owner' },
      via: 'session',
    });
  });

  it('sign-out clears the cookie and the revoked session is refused afterwards', async () => {
    const signIn = await mutate(base, 'auth.signIn', {
      email: OWNER.email,
      password: OWNER.password,
    });
    const cookie = sessionCookieFrom(signIn.headers)?.pair ?? '';
    const signOut = await mutate(base, 'auth.signOut', {}, { cookie });
    expect(signOut.status).toBe(200);
    expect(sessionCookieFrom(signOut.headers)?.attributes).toContain('Max-Age=0');
    const me = await query(base, 'auth.me', undefined, { cookie });
    expect(me.status).toBe(401);
    expect(me.body.error?.data.code).toBe('UNAUTHORIZED');
  });

  it('a wrong password is 401 and sets no cookie', async () => {
    const reply = await mutate(base, 'auth.signIn', {
      email: OWNER.email,
      password: 'wrong password!',
    });
    expect(reply.status).toBe(401);
    expect(sessionCookieFrom(reply.headers)).toBeNull();
  });
});

describe('personal access tokens over HTTP', () => {
  it('a PAT made in a session authenticates as a Bearer token; made-up tokens do not', async () => {
    const created = await asOwner('tokens.createPersonal', { name: 'ci' });
    expect(created.status).toBe(200);
    const token = dataOf<{ token: string }>(created).token;
    const me = await query(base, 'auth.me', undefined, { token });
    expect(me.body.result?.data).toMatchObject({ user: { email: OWNER.email }, via: 'token' });
    const bogus = await query(base, 'services.list', undefined, {
      token: `${token.slice(0, -1)}x`,
    });
    expect(bogus.status).toBe(401);
  });

  it('a viewer token is refused a mutation with 403 FORBIDDEN', async () => {
    const invite = await asOwner('users.invite', { email: 'viewer@example.test', role: 'viewer' });
    const inviteToken = dataOf<{ inviteToken: string }>(invite).inviteToken;
    const accepted = await mutate(base, 'auth.acceptInvite', {
      token: inviteToken,
      password: 'a long enough password',
      name: 'V',
    });
    const viewerCookie = sessionCookieFrom(accepted.headers)?.pair ?? '';
    const refused = await mutate(base, 'plans.create', { name: 'gold' }, { cookie: viewerCookie });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.data.code).toBe('FORBIDDEN');
    expect(await database.db.plan.count({ where: { name: 'gold' } })).toBe(0);
  });
});

describe('CSRF defences on mutations', () => {
  /** The owner creates a plan with a body sent as `contentType` (what a form or a fetch can send). */
  const createPlanAs = (contentType: string, rawBody: string) =>
    mutate(base, 'plans.create', null, { cookie: ownerCookie, contentType, rawBody });
  /** The owner creates plan `name` from a page on `origin`. */
  const createPlanFrom = (origin: string, name: string) =>
    mutate(base, 'plans.create', { name }, { cookie: ownerCookie, origin });

  it('a form post is refused with 403 problem+json and writes nothing', async () => {
    const reply = await createPlanAs('application/x-www-form-urlencoded', 'name=form-plan');
    expect(reply.status).toBe(403);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body).toMatchObject({
      status: 403,
      detail: expect.stringContaining('application/json'),
    });
    expect(await database.db.plan.count({ where: { name: 'form-plan' } })).toBe(0);
  });

  it('text/plain (the other no-preflight type) is refused too', async () => {
    const reply = await createPlanAs('text/plain', '{"name":"plain-plan"}');
    expect(reply.status).toBe(403);
    expect(await database.db.plan.count({ where: { name: 'plain-plan' } })).toBe(0);
  });

  it('a cross-origin mutation is refused; the console origin and our own origin are allowed', async () => {
    const evil = await createPlanFrom('https://evil.example', 'evil-plan');
    expect(evil.status).toBe(403);
    expect(evil.body.detail).toContain('https://evil.example');
    expect(await database.db.plan.count({ where: { name: 'evil-plan' } })).toBe(0);
    const fromConsole = await createPlanFrom(CONSOLE_ORIGIN, 'console-plan');
    expect(fromConsole.status).toBe(200);
    const fromSelf = await createPlanFrom(base, 'self-plan');
    expect(fromSelf.status).toBe(200);
  });
});

describe('errors', () => {
  it('every response carries a req_ id, and tRPC errors repeat it', async () => {
    const reply = await asOwner('registries.create', { name: 'r1', type: 'nacos' });
    const requestId = reply.headers.get('x-request-id');
    expect(requestId).toMatch(/^req_[0-9a-z]{26}$/);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toContain('type: unknown registry type "nacos"');
    expect(reply.body.error?.data.requestId).toBe(requestId);
  });

  it('answers a batched GET of eight queries (the Analytics page) instead of 414', async () => {
    const procedures = [
      'apis.list',
      'consumers.list',
      'keys.list',
      'plans.list',
      'services.list',
      'registries.list',
      'subscriptions.list',
      'auth.setupStatus',
    ];
    const input = Object.fromEntries(procedures.map((_, i) => [String(i), {}]));
    const url = `${base}/trpc/${procedures.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
    expect(procedures.join(',').length).toBeGreaterThan(100);
    const response = await fetch(url, { headers: { cookie: ownerCookie } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as unknown[];
    expect(body).toHaveLength(procedures.length);
  });

  it('an unknown route is a 404 problem+json with the request id', async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { requestId: string; title: string };
    expect(body).toMatchObject({
      title: 'Not Found',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('an OpenAPI document over 5 MB is 413, and nothing is stored', async () => {
    const service = await asOwner('services.create', {
      name: 'pets',
      targets: [{ host: '127.0.0.1', port: 9 }],
    });
    const serviceId = dataOf<{ id: string }>(service).id;
    const document = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'x' },
      paths: {},
      pad: 'x'.repeat(5 * 1024 * 1024),
    });
    const reply = await asOwner('apis.importOpenApi', {
      name: 'pets-api',
      serviceId,
      basePath: '/pets',
      document,
    });
    expect(reply.status).toBe(413);
    expect(reply.body.error?.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await database.db.api.count()).toBe(0);
  });

  it('a request body beyond the transport limit is a 413 problem+json', async () => {
    const reply = await mutate(base, 'apis.importOpenApi', null, {
      cookie: ownerCookie,
      rawBody: JSON.stringify({ document: 'x'.repeat(13 * 1024 * 1024) }),
    });
    expect(reply.status).toBe(413);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('health and metrics', () => {
  it('/healthz checks the database', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('/healthz is 503 problem+json when the database is gone', async () => {
    const doomed = await createTestDatabase();
    const server = await testControlServer({ db: doomed.db });
    try {
      await doomed.drop();
      const reply = await server.inject({ method: 'GET', url: '/healthz' });
      expect(reply.statusCode).toBe(503);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      // An unexpected failure inside tRPC answers 500 with a message that reveals nothing.
      const trpc = await server.inject({ method: 'GET', url: '/trpc/auth.setupStatus' });
      expect(trpc.statusCode).toBe(500);
      const body = trpc.json<{ error: { message: string; data: { requestId: string } } }>();
      expect(body.error.message).toBe(
        'something went wrong on our side; quote the request id when reporting it',
      );
      expect(trpc.body).not.toMatch(/database|prisma|postgres/i);
    } finally {
      await server.close();
    }
  });

  it('/metrics exposes request counters, durations and process stats in Prometheus text', async () => {
    await fetch(`${base}/healthz`);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /portico_control_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    );
    expect(text).toContain(
      'portico_control_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}',
    );
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});
