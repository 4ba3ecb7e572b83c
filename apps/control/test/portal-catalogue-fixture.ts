/**
 * The catalogue the portal-flow tests run against, made by the owner through the console API:
 * a service, three APIs (weather with an OpenAPI document, maps, and a never-listed payroll one),
 * three plans (free, gold needing approval, internal), and portal settings listing exactly
 * weather, maps, free and gold.
 */
import { dataOf, mutate, query } from './http-client';
import type { PortalHarness } from './portal-harness';

export const GATEWAY_URL = 'https://api.example.test';

export interface Ids {
  weather: { id: string; slug: string };
  maps: { id: string; slug: string };
  secret: { id: string; slug: string; name: string };
  free: string;
  gold: string;
  internal: string;
}

const OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Weather', version: '2' },
  tags: [{ name: 'forecast' }],
  paths: {
    '/forecast': { get: { summary: 'Forecast for a city', tags: ['forecast'] } },
    '/stations/{id}': { get: { operationId: 'getStation', tags: ['stations'] } },
  },
});

/** A call over HTTP with a signed-in session's cookie; fails the test on an error. */
export type SessionCall = <T>(
  path: string,
  input: unknown,
  kind?: 'mutate' | 'query',
) => Promise<T>;

/** An operator call over HTTP with the owner's console session; fails the test on an error. */
export type OwnerCall = SessionCall;

/** Calls to the server at `base` with `cookie`, both read when a call is made. */
export function sessionCalls(session: () => { base: string; cookie: string }): SessionCall {
  return async <T>(path: string, input: unknown, kind: 'mutate' | 'query' = 'mutate') => {
    const { base, cookie } = session();
    const reply =
      kind === 'mutate'
        ? await mutate(base, path, input, { cookie })
        : await query(base, path, input, { cookie });
    return dataOf<T>(reply);
  };
}

/** Owner calls on the harness `harness()` returns once it is started (in `beforeAll`). */
export function ownerCalls(harness: () => PortalHarness): OwnerCall {
  return sessionCalls(() => {
    const h = harness();
    return { base: h.base, cookie: h.ownerCookie };
  });
}

/** Creates the catalogue and lists it in the portal; returns the ids the tests refer to. */
export async function seedCatalogue(asOwner: OwnerCall): Promise<Ids> {
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
  return { weather, maps, secret, free: free.id, gold: gold.id, internal: internal.id };
}
