import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { dataOf, query } from './http-client';
import { GATEWAY_URL } from './portal-catalogue-fixture';
import { PORTAL_URL } from './portal-harness';
import { useSeededCatalogue } from './use-portal-harness';

const portal = useSeededCatalogue();
const { asOwner } = portal;

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
    }>(await query(portal.h.base, 'portal.catalog.list', {}));
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
    await asOwner('apis.update', { id: portal.ids.weather.id, mcp: { enabled: true } });
    try {
      const catalog = dataOf<{ apis: { slug: string; mcpEndpoint: string | null }[] }>(
        await query(portal.h.base, 'portal.catalog.list', {}),
      );
      const bySlug = new Map(catalog.apis.map((a) => [a.slug, a.mcpEndpoint]));
      expect(bySlug.get('weather')).toBe(`${GATEWAY_URL}/weather/mcp`);
      expect(bySlug.get('maps')).toBeNull();
    } finally {
      await asOwner('apis.update', { id: portal.ids.weather.id, mcp: { enabled: false } });
    }
  });

  it('filters by search, tag and version', async () => {
    const slugs = async (input: unknown) =>
      dataOf<{ apis: { slug: string }[] }>(
        await query(portal.h.base, 'portal.catalog.list', input),
      ).apis.map((a) => a.slug);
    expect(await slugs({ search: 'STATIONS' })).toEqual(['weather']);
    expect(await slugs({ tag: 'forecast' })).toEqual(['weather']);
    expect(await slugs({ version: 'v1' })).toEqual(['maps']);
    expect(await slugs({ search: 'payroll' })).toEqual([]);
  });

  it('an API page has routes and the document; a private API is NOT_FOUND like an unknown one', async () => {
    const maps = dataOf<{ routes: { methods: string[]; path: string }[]; openApi: unknown }>(
      await query(portal.h.base, 'portal.catalog.get', { slug: 'maps' }),
    );
    expect(maps.routes).toEqual([{ name: null, methods: ['GET'], path: '/tiles/*' }]);
    expect(maps.openApi).toBeNull();
    const weather = dataOf<{ openApi: { info: { title: string } } }>(
      await query(portal.h.base, 'portal.catalog.get', { slug: 'weather' }),
    );
    expect(weather.openApi.info.title).toBe('Weather');
    const hidden = await query(portal.h.base, 'portal.catalog.get', {
      slug: portal.ids.secret.slug,
    });
    const unknown = await query(portal.h.base, 'portal.catalog.get', { slug: 'no-such-api' });
    expect(hidden.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(hidden.body.error?.message.replace(portal.ids.secret.slug, 'X')).toBe(
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
    >(await query(portal.h.base, 'portal.catalog.plans', undefined));
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
      await query(portal.h.base, 'portal.catalog.apiCatalog', undefined),
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
      await query(portal.h.base, 'portal.catalog.llmsTxt', undefined),
    );
    expect(llms.body.startsWith('# Example APIs\n')).toBe(true);
    const apiLines = llms.body.split('\n').filter((l) => l.startsWith('- ['));
    expect(apiLines).toHaveLength(2);
    expect(apiLines.join('\n')).toContain(`(${PORTAL_URL}/apis/weather.md)`);
    expect(llms.body).not.toContain('payroll');
    const md = dataOf<{ contentType: string; body: string }>(
      await query(portal.h.base, 'portal.catalog.markdown', { slug: 'weather' }),
    );
    expect(md.contentType).toBe('text/markdown; charset=utf-8');
    expect(md.body).toContain('# weather (v2)');
    expect(md.body).toContain(`Base URL: ${GATEWAY_URL}/weather`);
    expect(md.body).toContain('`GET /weather/forecast`: Forecast for a city');
    expect(md.body).toContain('curl -H "x-api-key: $API_KEY"');
    const hidden = await query(portal.h.base, 'portal.catalog.markdown', {
      slug: portal.ids.secret.slug,
    });
    expect(hidden.status).toBe(404);
  });

  it('unlisting an API removes it everywhere at once, without a publish', async () => {
    await asOwner('portalAdmin.settings.update', { listedApiIds: [portal.ids.weather.id] });
    try {
      const catalog = dataOf<{ apis: { slug: string }[] }>(
        await query(portal.h.base, 'portal.catalog.list', {}),
      );
      expect(catalog.apis.map((a) => a.slug)).toEqual(['weather']);
      const plans = dataOf<{ apis: { slug: string }[] }[]>(
        await query(portal.h.base, 'portal.catalog.plans', undefined),
      );
      expect(plans[0]?.apis.map((a) => a.slug)).toEqual(['weather']);
    } finally {
      await asOwner('portalAdmin.settings.update', {
        listedApiIds: [portal.ids.weather.id, portal.ids.maps.id],
      });
    }
  });
});
