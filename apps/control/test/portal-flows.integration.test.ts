import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialStreamReader } from './credential-stream';
import { dataOf, mutate, query } from './http-client';
import { PORTAL_URL, type PortalHarness, startPortalHarness } from './portal-harness';

let h: PortalHarness;
const GATEWAY_URL = 'https://api.example.test';

interface Ids {
  weather: { id: string; slug: string };
  maps: { id: string; slug: string };
  secret: { id: string; slug: string; name: string };
  free: string;
  gold: string;
  internal: string;
}
let ids: Ids;

const OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Weather', version: '2' },
  tags: [{ name: 'forecast' }],
  paths: {
    '/forecast': { get: { summary: 'Forecast for a city', tags: ['forecast'] } },
    '/stations/{id}': { get: { operationId: 'getStation', tags: ['stations'] } },
  },
});

/** An operator call over HTTP with the owner's console session; fails the test on an error. */
async function asOwner<T>(path: string, input: unknown, kind: 'mutate' | 'query' = 'mutate') {
  const reply =
    kind === 'mutate'
      ? await mutate(h.base, path, input, { cookie: h.ownerCookie })
      : await query(h.base, path, input, { cookie: h.ownerCookie });
  return dataOf<T>(reply);
}

beforeAll(async () => {
  h = await startPortalHarness();
  const service = await asOwner<{ id: string }>('services.create', {
    name: 'weather-svc',
    targets: [{ host: '127.0.0.1', port: 9 }],
  });
  const weather = await asOwner<{ id: string; slug: string }>('apis.create', {
    name: 'weather',
    description: 'Forecasts and stations',
    version: 'v2',
    basePath: '/weather',
    serviceId: service.id,
  });
  await asOwner('apis.importOpenApi', { apiId: weather.id, document: OPENAPI });
  const maps = await asOwner<{ id: string; slug: string }>('apis.create', {
    name: 'maps',
    basePath: '/maps',
    serviceId: service.id,
    routes: [{ methods: ['GET'], path: '/tiles/*' }],
  });
  const secret = await asOwner<{ id: string; slug: string; name: string }>('apis.create', {
    name: 'payroll-internal',
    description: 'never shown to developers',
    basePath: '/payroll',
    serviceId: service.id,
  });
  const free = await asOwner<{ id: string }>('plans.create', {
    name: 'free',
    rateLimit: { requests: 10, per: 'minute' },
    quota: { requests: 1000, per: 'day' },
    apiIds: [weather.id, maps.id, secret.id],
  });
  const gold = await asOwner<{ id: string }>('plans.create', {
    name: 'gold',
    rateLimit: { requests: 100, per: 'second' },
    approvalRequired: true,
    apiIds: [weather.id],
  });
  const internal = await asOwner<{ id: string }>('plans.create', {
    name: 'internal',
    apiIds: [secret.id],
  });
  // The listing is the portal settings' job: exactly these APIs and plans are listed.
  await asOwner('portalAdmin.settings.update', {
    publicGatewayUrl: GATEWAY_URL,
    portalName: 'Example APIs',
    listedApiIds: [weather.id, maps.id],
    listedPlanIds: [free.id, gold.id],
  });
  ids = { weather, maps, secret, free: free.id, gold: gold.id, internal: internal.id };
});
afterAll(async () => {
  await h?.close();
});

describe('catalogue', () => {
  it('lists exactly the listed APIs with gateway URL, auth, tags and listed plans', async () => {
    const catalog = dataOf<{
      apis: {
        slug: string;
        gatewayUrl: string;
        auth: { type: string; headers: string[] };
        tags: string[];
        hasOpenApi: boolean;
        plans: { name: string }[];
      }[];
      tags: string[];
      versions: string[];
    }>(await query(h.base, 'portal.catalog.list', {}));
    expect(catalog.apis.map((a) => a.slug).sort()).toEqual(['maps', 'weather']);
    const weather = catalog.apis.find((a) => a.slug === 'weather');
    expect(weather).toMatchObject({
      gatewayUrl: `${GATEWAY_URL}/weather`,
      auth: { type: 'key', headers: ['x-api-key', 'authorization'] },
      tags: ['forecast', 'stations'],
      hasOpenApi: true,
      plans: [{ name: 'free' }, { name: 'gold' }],
    });
    expect(catalog.tags).toEqual(['forecast', 'stations']);
    expect(catalog.versions).toEqual(['v1', 'v2']);
    expect(JSON.stringify(catalog)).not.toContain('payroll');
  });

  it("shows an API's MCP endpoint under its gateway URL once MCP is enabled, and none otherwise", async () => {
    await asOwner('apis.update', { id: ids.weather.id, mcp: { enabled: true } });
    try {
      const catalog = dataOf<{ apis: { slug: string; mcpEndpoint: string | null }[] }>(
        await query(h.base, 'portal.catalog.list', {}),
      );
      const bySlug = new Map(catalog.apis.map((a) => [a.slug, a.mcpEndpoint]));
      expect(bySlug.get('weather')).toBe(`${GATEWAY_URL}/weather/mcp`);
      expect(bySlug.get('maps')).toBeNull();
    } finally {
      await asOwner('apis.update', { id: ids.weather.id, mcp: { enabled: false } });
    }
  });

  it('filters by search, tag and version', async () => {
    const slugs = async (input: unknown) =>
      dataOf<{ apis: { slug: string }[] }>(
        await query(h.base, 'portal.catalog.list', input),
      ).apis.map((a) => a.slug);
    expect(await slugs({ search: 'STATIONS' })).toEqual(['weather']);
    expect(await slugs({ tag: 'forecast' })).toEqual(['weather']);
    expect(await slugs({ version: 'v1' })).toEqual(['maps']);
    expect(await slugs({ search: 'payroll' })).toEqual([]);
  });

  it('an API page has routes and the document; a private API is NOT_FOUND like an unknown one', async () => {
    const maps = dataOf<{ routes: { methods: string[]; path: string }[]; openApi: unknown }>(
      await query(h.base, 'portal.catalog.get', { slug: 'maps' }),
    );
    expect(maps.routes).toEqual([{ name: null, methods: ['GET'], path: '/tiles/*' }]);
    expect(maps.openApi).toBeNull();
    const weather = dataOf<{ openApi: { info: { title: string } } }>(
      await query(h.base, 'portal.catalog.get', { slug: 'weather' }),
    );
    expect(weather.openApi.info.title).toBe('Weather');
    const hidden = await query(h.base, 'portal.catalog.get', { slug: ids.secret.slug });
    const unknown = await query(h.base, 'portal.catalog.get', { slug: 'no-such-api' });
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error?.message.replace(ids.secret.slug, 'X')).toBe(
      unknown.body.error?.message.replace('no-such-api', 'X'),
    );
  });

  it('plan comparison shows listed plans with their listed APIs only', async () => {
    const plans = dataOf<
      {
        name: string;
        rateLimit: unknown;
        quota: unknown;
        approvalRequired: boolean;
        apis: { slug: string }[];
      }[]
    >(await query(h.base, 'portal.catalog.plans', undefined));
    expect(plans.map((p) => p.name)).toEqual(['free', 'gold']);
    expect(plans[0]).toMatchObject({
      rateLimit: { requests: 10, per: 'minute' },
      quota: { requests: 1000, per: 'day' },
      approvalRequired: false,
      apis: [{ slug: 'maps' }, { slug: 'weather' }],
    });
    expect(plans[1]).toMatchObject({ approvalRequired: true, quota: null });
  });

  it('the api-catalog is an RFC 9727 linkset of exactly the listed APIs', async () => {
    const reply = dataOf<{ contentType: string; body: unknown }>(
      await query(h.base, 'portal.catalog.apiCatalog', undefined),
    );
    expect(reply.contentType).toBe(
      'application/linkset+json; profile="https://www.rfc-editor.org/info/rfc9727"',
    );
    // RFC 9264 §4.2: a `linkset` array of context objects, each with an `anchor` and, per link
    // relation type, an array of target objects with an `href`.
    const target = {
      type: 'object',
      required: ['href'],
      properties: {
        href: { type: 'string', format: 'uri' },
        type: { type: 'string' },
        title: { type: 'string' },
      },
    };
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile({
      type: 'object',
      required: ['linkset'],
      additionalProperties: false,
      properties: {
        linkset: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['anchor'],
            properties: { anchor: { type: 'string', format: 'uri' } },
            additionalProperties: { type: 'array', minItems: 1, items: target },
          },
        },
      },
    });
    expect(validate(reply.body), JSON.stringify(validate.errors)).toBe(true);
    const { linkset } = reply.body as {
      linkset: ({ anchor: string } & Record<string, { href: string; type?: string }[]>)[];
    };
    const [catalog, ...apis] = linkset;
    expect(catalog?.anchor).toBe(`${PORTAL_URL}/.well-known/api-catalog`);
    expect(catalog?.item?.map((i) => i.href).sort()).toEqual([
      `${GATEWAY_URL}/maps`,
      `${GATEWAY_URL}/weather`,
    ]);
    expect(apis.map((a) => a.anchor).sort()).toEqual([
      `${GATEWAY_URL}/maps`,
      `${GATEWAY_URL}/weather`,
    ]);
    const weather = apis.find((a) => a.anchor === `${GATEWAY_URL}/weather`);
    expect(weather?.['service-desc']).toEqual([
      { href: `${PORTAL_URL}/apis/weather/openapi.json`, type: 'application/vnd.oai.openapi+json' },
    ]);
    expect(weather?.['service-doc']?.map((l) => l.href)).toEqual([
      `${PORTAL_URL}/apis/weather`,
      `${PORTAL_URL}/apis/weather.md`,
    ]);
    // An API without a document has documentation but no service description.
    const maps = apis.find((a) => a.anchor === `${GATEWAY_URL}/maps`);
    expect(maps?.['service-desc']).toBeUndefined();
    expect(JSON.stringify(reply.body)).not.toContain('payroll');
  });

  it('llms.txt has one line per listed API and the Markdown page describes it', async () => {
    const llms = dataOf<{ contentType: string; body: string }>(
      await query(h.base, 'portal.catalog.llmsTxt', undefined),
    );
    expect(llms.body.startsWith('# Example APIs\n')).toBe(true);
    const apiLines = llms.body.split('\n').filter((l) => l.startsWith('- ['));
    expect(apiLines).toHaveLength(2);
    expect(apiLines.join('\n')).toContain(`(${PORTAL_URL}/apis/weather.md)`);
    expect(llms.body).not.toContain('payroll');
    const md = dataOf<{ contentType: string; body: string }>(
      await query(h.base, 'portal.catalog.markdown', { slug: 'weather' }),
    );
    expect(md.contentType).toBe('text/markdown; charset=utf-8');
    expect(md.body).toContain('# weather (v2)');
    expect(md.body).toContain(`Base URL: ${GATEWAY_URL}/weather`);
    expect(md.body).toContain('`GET /weather/forecast`: Forecast for a city');
    expect(md.body).toContain('curl -H "x-api-key: $API_KEY"');
    const hidden = await query(h.base, 'portal.catalog.markdown', { slug: ids.secret.slug });
    expect(hidden.status).toBe(404);
  });

  it('unlisting an API removes it everywhere at once, without a publish', async () => {
    await asOwner('portalAdmin.settings.update', { listedApiIds: [ids.weather.id] });
    try {
      const catalog = dataOf<{ apis: { slug: string }[] }>(
        await query(h.base, 'portal.catalog.list', {}),
      );
      expect(catalog.apis.map((a) => a.slug)).toEqual(['weather']);
      const plans = dataOf<{ apis: { slug: string }[] }[]>(
        await query(h.base, 'portal.catalog.plans', undefined),
      );
      expect(plans[0]?.apis.map((a) => a.slug)).toEqual(['weather']);
    } finally {
      await asOwner('portalAdmin.settings.update', { listedApiIds: [ids.weather.id, ids.maps.id] });
    }
  });
});

describe('apps, subscriptions and keys through the credential stream', () => {
  it('a subscription to a plan needing approval is pending until an operator approves it', async () => {
    const dev = await h.verifiedDeveloper('approve');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `approve-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const stream = new CredentialStreamReader(h.base, h.dpToken, `gw-${app.id}`);
    await stream.poll(0);
    const sub = dataOf<{ id: string; status: string }>(
      await mutate(
        h.base,
        'portal.subscriptions.subscribe',
        { appId: app.id, planId: ids.gold },
        {
          cookie: dev.cookie,
        },
      ),
    );
    expect(sub.status).toBe('pending');
    await stream.poll(0);
    expect(stream.subscribed(app.id, ids.gold)).toBe(false);

    const pending = dataOf<{ id: string; consumerId: string }[]>(
      await query(h.base, 'subscriptions.list', { status: 'pending' }, { cookie: h.ownerCookie }),
    );
    expect(pending.map((s) => s.id)).toContain(sub.id);
    const approvals = await asOwner<{
      subscriptions: {
        id: string;
        app: { id: string };
        plan: { name: string };
        owner: { email: string };
      }[];
    }>('portalAdmin.approvals.list', undefined, 'query');
    expect(approvals.subscriptions.find((s) => s.id === sub.id)).toMatchObject({
      app: { id: app.id },
      plan: { name: 'gold' },
      owner: { email: dev.email },
    });
    const developer = await asOwner<{
      email: string;
      apps: { id: string; subscriptions: { status: string }[] }[];
    }>('portalAdmin.developers.get', { id: dev.userId }, 'query');
    expect(developer).toMatchObject({
      email: dev.email,
      apps: [{ id: app.id, subscriptions: [{ status: 'pending' }] }],
    });
    await asOwner('subscriptions.approve', { id: sub.id });
    await stream.poll(1);
    expect(stream.subscribed(app.id, ids.gold)).toBe(true);
    const mine = dataOf<{ id: string; status: string }[]>(
      await query(h.base, 'portal.subscriptions.list', { appId: app.id }, { cookie: dev.cookie }),
    );
    expect(mine).toMatchObject([{ id: sub.id, status: 'active' }]);
  });

  it('changing plan keeps the key; a plan needing approval leaves the current one active meanwhile', async () => {
    const dev = await h.verifiedDeveloper('change');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `change-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const key = dataOf<{ key: { id: string } }>(
      await mutate(h.base, 'portal.keys.create', { appId: app.id }, { cookie: dev.cookie }),
    );
    const free = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.subscriptions.subscribe',
        { appId: app.id, planId: ids.free },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const change = dataOf<{
      previous: { status: string };
      next: { status: string; planId: string };
    }>(
      await mutate(
        h.base,
        'portal.subscriptions.changePlan',
        { subscriptionId: free.id, planId: ids.gold },
        { cookie: dev.cookie },
      ),
    );
    expect(change.previous.status).toBe('active');
    expect(change.next).toMatchObject({ status: 'pending', planId: ids.gold });
    const keys = dataOf<{ id: string }[]>(
      await query(h.base, 'portal.keys.list', { appId: app.id }, { cookie: dev.cookie }),
    );
    expect(keys.map((k) => k.id)).toEqual([key.key.id]);
  });

  it('rotation: both keys work during the grace period, the old one is refused after it', async () => {
    const dev = await h.verifiedDeveloper('rotate');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `rotate-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const stream = new CredentialStreamReader(h.base, h.dpToken, `gw-${app.id}`);
    const created = dataOf<{ key: { id: string; start: string }; clear: string }>(
      await mutate(
        h.base,
        'portal.keys.create',
        { appId: app.id, name: 'ci' },
        {
          cookie: dev.cookie,
        },
      ),
    );
    expect(created.clear.startsWith(created.key.start)).toBe(true);
    // The clear key is stored nowhere: not in the key row, not in the audit log.
    const row = await h.database.db.apiKey.findUniqueOrThrow({ where: { id: created.key.id } });
    expect(JSON.stringify(row)).not.toContain(created.clear);
    const audit = await h.database.db.auditLog.findMany({ where: { targetId: created.key.id } });
    expect(JSON.stringify(audit)).not.toContain(created.clear);
    await stream.poll(0);
    expect(stream.accepts(created.clear, new Date())).toBe(true);

    const rotated = dataOf<{
      key: { id: string; rotatedFrom: string };
      clear: string;
      previous: { expiresAt: string };
    }>(
      await mutate(
        h.base,
        'portal.keys.rotate',
        { id: created.key.id, gracePeriodSeconds: 600 },
        {
          cookie: dev.cookie,
        },
      ),
    );
    expect(rotated.key.rotatedFrom).toBe(created.key.id);
    await stream.poll(1);
    const now = new Date();
    expect(stream.accepts(created.clear, now)).toBe(true);
    expect(stream.accepts(rotated.clear, now)).toBe(true);
    const graceEnd = new Date(rotated.previous.expiresAt);
    expect(graceEnd.getTime() - now.getTime()).toBeGreaterThan(590_000);
    expect(stream.accepts(created.clear, new Date(graceEnd.getTime() + 1))).toBe(false);
    expect(stream.accepts(rotated.clear, new Date(graceEnd.getTime() + 1))).toBe(true);

    // The worker stamps last use from analytics; the developer sees the old key still in use.
    const usedAt = new Date(Date.now() - 120_000);
    await h.database.db.apiKey.update({
      where: { id: created.key.id },
      data: { lastUsedAt: usedAt },
    });
    const keys = dataOf<
      { id: string; status: string; lastUsedAt: string | null; expiresAt: string | null }[]
    >(await query(h.base, 'portal.keys.list', { appId: app.id }, { cookie: dev.cookie }));
    expect(keys.find((k) => k.id === created.key.id)).toMatchObject({
      status: 'active',
      lastUsedAt: usedAt.toISOString(),
      expiresAt: graceEnd.toISOString(),
    });

    // Revoking the new key takes it away at once.
    await mutate(h.base, 'portal.keys.revoke', { id: rotated.key.id }, { cookie: dev.cookie });
    await stream.poll(1);
    expect(stream.accepts(rotated.clear, new Date())).toBe(false);
  });

  it('suspending a developer suspends their apps on the gateways within a second, and reactivating restores them', async () => {
    const dev = await h.verifiedDeveloper('suspend');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `suspend-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const key = dataOf<{ clear: string }>(
      await mutate(h.base, 'portal.keys.create', { appId: app.id }, { cookie: dev.cookie }),
    );
    const stream = new CredentialStreamReader(h.base, h.dpToken, `gw-${app.id}`);
    await stream.poll(0);
    expect(stream.accepts(key.clear, new Date())).toBe(true);
    // A gateway is waiting on its long-poll when the operator suspends.
    const waiting = stream.poll(10);
    const suspendedAt = performance.now();
    const suspended = dataOf<{ status: string; suspendedApps: string[] }>(
      await mutate(
        h.base,
        'portalAdmin.developers.suspend',
        { id: dev.userId },
        {
          cookie: h.ownerCookie,
        },
      ),
    );
    expect(suspended).toMatchObject({ status: 'suspended', suspendedApps: [app.id] });
    const answeredAt = await waiting;
    expect(answeredAt - suspendedAt).toBeLessThan(1_000);
    expect(stream.consumerStatus(app.id)).toBe('suspended');
    expect(stream.accepts(key.clear, new Date())).toBe(false);
    // The developer is signed out and cannot sign in.
    expect((await query(h.base, 'portal.auth.me', undefined, { cookie: dev.cookie })).status).toBe(
      401,
    );

    await asOwner('portalAdmin.developers.reactivate', { id: dev.userId });
    await stream.poll(1);
    expect(stream.accepts(key.clear, new Date())).toBe(true);
  });

  it('reactivation restores only the apps the suspension took; one an operator suspended stays suspended', async () => {
    const dev = await h.verifiedDeveloper('partial');
    const create = async (name: string) =>
      dataOf<{ id: string }>(
        await mutate(
          h.base,
          'portal.apps.create',
          { name: `${name}-${Date.now()}` },
          {
            cookie: dev.cookie,
          },
        ),
      );
    const kept = await create('kept');
    const held = await create('held');
    await asOwner('consumers.suspend', { id: held.id });
    const suspended = await asOwner<{ suspendedApps: string[] }>('portalAdmin.developers.suspend', {
      id: dev.userId,
    });
    expect(suspended.suspendedApps).toEqual([kept.id]);
    const reactivated = await asOwner<{ status: string; reactivatedApps: string[] }>(
      'portalAdmin.developers.reactivate',
      { id: dev.userId },
    );
    expect(reactivated).toMatchObject({ status: 'active', reactivatedApps: [kept.id] });
    const apps = await h.database.db.consumer.findMany({
      where: { ownerId: dev.userId },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(apps.map((a) => [a.id, a.status]))).toEqual({
      [kept.id]: 'active',
      [held.id]: 'suspended',
    });
  });
});

describe('bad input: a clear error and nothing written', () => {
  async function counts() {
    const db = h.database.db;
    return {
      consumers: await db.consumer.count(),
      subscriptions: await db.subscription.count(),
      keys: await db.apiKey.count(),
      changes: await db.credentialChange.count(),
      audit: await db.auditLog.count(),
    };
  }

  it('a duplicate app name', async () => {
    const dev = await h.verifiedDeveloper('dup');
    const name = `dup-${Date.now()}`;
    await mutate(h.base, 'portal.apps.create', { name }, { cookie: dev.cookie });
    const before = await counts();
    const reply = await mutate(h.base, 'portal.apps.create', { name }, { cookie: dev.cookie });
    expect(reply.status).toBe(409);
    expect(reply.body.error?.message).toBe(
      `name: the name ${name} is taken; choose another name for the app`,
    );
    expect(await counts()).toEqual(before);
  });

  it('subscribing to an unlisted plan', async () => {
    const dev = await h.verifiedDeveloper('unlisted');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `unlisted-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const before = await counts();
    const reply = await mutate(
      h.base,
      'portal.subscriptions.subscribe',
      { appId: app.id, planId: ids.internal },
      { cookie: dev.cookie },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error?.message).toBe(
      `planId: no listed plan with id ${ids.internal}; choose one of the plans the portal lists`,
    );
    expect(await counts()).toEqual(before);
  });

  it('a key on a suspended app', async () => {
    const dev = await h.verifiedDeveloper('susp');
    const app = dataOf<{ id: string; name: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `susp-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    await asOwner('consumers.suspend', { id: app.id });
    const before = await counts();
    const reply = await mutate(
      h.base,
      'portal.keys.create',
      { appId: app.id },
      {
        cookie: dev.cookie,
      },
    );
    expect(reply.status).toBe(412);
    expect(reply.body.error?.message).toContain(`appId: app ${app.name} is suspended`);
    expect(await counts()).toEqual(before);
  });

  it('a malformed request names the field', async () => {
    const dev = await h.verifiedDeveloper('malformed');
    const before = await counts();
    const reply = await mutate(
      h.base,
      'portal.apps.create',
      { name: 'has spaces' },
      {
        cookie: dev.cookie,
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toContain('name:');
    expect(await counts()).toEqual(before);
  });
});
