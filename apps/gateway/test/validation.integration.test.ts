import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, CountingEcho, type EchoBody, published } from './harness';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

const petstore30 = fixture('petstore-3.0.json');
const petstore31 = fixture('petstore-3.1.json');

let gw: GatewayWithUpstream;
/** Requests the upstream received: an invalid request in enforce mode must not add one. */
const countingEcho = new CountingEcho();

function snapshot(upstream: { port: number }, extraApis: Record<string, unknown>[] = []) {
  return {
    services: [loopbackService('svc', [upstream])],
    apis: [
      apiOf('pets30', '/v1', 'svc', {
        openApi: petstore30,
        routes: [
          { id: 'pets30-toys', name: 'toys', methods: ['GET'], path: '/pets/:petId/toys' },
          { id: 'pets30-photos', name: 'photos', methods: ['GET'], path: '/pets/:petId/photos' },
          { id: 'pets30-all', name: 'all', path: '/*' },
        ],
        policies: {
          maxBodyBytes: 1024,
          validation: { mode: 'enforce', routes: { toys: 'report', photos: 'off' } },
        },
      }),
      apiOf('pets31', '/api/v31', 'svc', {
        openApi: petstore31,
        policies: { validation: { responses: 'report' } },
      }),
      apiOf('shadow', '/shadow', 'svc', {
        openApi: petstore30,
        policies: { validation: { mode: 'report' } },
      }),
      ...extraApis,
    ],
  };
}

async function metric(name: string): Promise<string[]> {
  const text = await (await request(`${gw.statusUrl}/metrics`)).body.text();
  return text.split('\n').filter((l) => l.startsWith(name));
}

beforeAll(async () => {
  gw = await startGatewayWithUpstream({
    upstream: countingEcho.handler,
    snapshot: (upstream) => snapshot(upstream),
  });
});

afterAll(async () => {
  await gw?.close();
});

async function send(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
) {
  const before = countingEcho.hits;
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: options.headers,
    body: options.body,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    contentType: res.headers['content-type'],
    json: JSON.parse(text) as Record<string, unknown>,
    reachedUpstream: countingEcho.hits - before,
  };
}

describe('OpenAPI request validation, Petstore 3.0 in enforce mode', () => {
  it('forwards a valid query, path and JSON body unchanged', async () => {
    const list = await send('GET', '/v1/pets?limit=10');
    expect(list.status).toBe(200);
    expect((list.json as unknown as EchoBody).url).toBe('/pets?limit=10');
    const create = await send('POST', '/v1/pets', {
      body: '{"id":7,"name":"Rex"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(create.status).toBe(200);
    expect((create.json as unknown as EchoBody).body).toBe('{"id":7,"name":"Rex"}');
    expect(create.reachedUpstream).toBe(1);
  });

  it('refuses a query parameter out of range with 400 problem+json naming its pointer', async () => {
    const r = await send('GET', '/v1/pets?limit=500');
    expect(r.status).toBe(400);
    expect(r.contentType).toBe('application/problem+json');
    expect(r.json.code).toBe('GW_REQUEST_INVALID');
    expect(r.json.requestId).toEqual(expect.any(String));
    expect(r.json.violations).toEqual([{ pointer: '/query/limit', message: 'must be <= 100' }]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('lists every body violation and sends nothing upstream', async () => {
    const r = await send('POST', '/v1/pets', {
      body: '{"id":"seven","tag":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(r.json.violations).toEqual([
      { pointer: '/body/name', message: "must have required property 'name'" },
      { pointer: '/body/id', message: 'must be integer' },
      { pointer: '/body/tag', message: 'must be string' },
    ]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('refuses a chunked body that is not JSON, a missing body and a wrong media type', async () => {
    const chunked = await request(`${gw.url}/v1/pets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from([Buffer.from('{"id":1,'), Buffer.from('"name":')]),
    });
    const chunkedBody = (await chunked.body.json()) as { violations: { pointer: string }[] };
    expect(chunked.statusCode).toBe(400);
    expect(chunkedBody.violations[0]?.pointer).toBe('/body');
    const missing = await send('POST', '/v1/pets');
    expect(missing.json.violations).toEqual([
      { pointer: '/body', message: 'a request body is required' },
    ]);
    const text = await send('POST', '/v1/pets', {
      body: 'Rex',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.json.violations).toEqual([
      {
        pointer: '/header/content-type',
        message: 'content type "text/plain" is not one of application/json',
      },
    ]);
    expect(missing.reachedUpstream + text.reachedUpstream).toBe(0);
  });

  it('stops a chunked JSON body past the API limit while reading it, forwarding nothing', async () => {
    const before = countingEcho.hits;
    const name = 'x'.repeat(700);
    const res = await request(`${gw.url}/v1/pets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from([Buffer.from(`{"id":1,"name":"${name}`), Buffer.from(`${name}"}`)]),
    });
    const problem = (await res.body.json()) as { code: string };
    expect(res.statusCode).toBe(413);
    expect(problem.code).toBe('GW_PAYLOAD_TOO_LARGE');
    expect(countingEcho.hits - before).toBe(0);
  });

  it('checks HEAD against the GET operation', async () => {
    const res = await request(`${gw.url}/v1/pets?limit=500`, { method: 'HEAD' });
    await res.body.dump();
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });

  it('refuses an operation the document does not describe', async () => {
    const r = await send('DELETE', '/v1/pets');
    expect(r.status).toBe(400);
    expect(r.json.violations).toEqual([
      { pointer: '', message: "the API's OpenAPI document describes no operation DELETE /pets" },
    ]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('route overrides: report forwards and counts, off forwards without checking', async () => {
    // Neither path is in the document: the API's enforce mode would refuse both.
    const toys = await send('GET', '/v1/pets/7/toys');
    expect(toys.status).toBe(200);
    expect(toys.reachedUpstream).toBe(1);
    const photos = await send('GET', '/v1/pets/7/photos');
    expect(photos.status).toBe(200);
    expect(photos.reachedUpstream).toBe(1);
    expect(
      await metric('portico_gateway_validation_failures_total{api="pets30",mode="report"}'),
    ).toEqual(['portico_gateway_validation_failures_total{api="pets30",mode="report"} 1']);
  });
});

describe('OpenAPI request validation, Petstore 3.1', () => {
  it('checks an int64 path parameter', async () => {
    expect((await send('GET', '/api/v31/pet/10')).status).toBe(200);
    const r = await send('GET', '/api/v31/pet/ten');
    expect(r.status).toBe(400);
    expect(r.json.violations).toEqual([{ pointer: '/path/petId', message: 'must be integer' }]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('checks a required header parameter', async () => {
    const ok = await send('DELETE', '/api/v31/pet/10', { headers: { api_key: 'k1' } });
    expect(ok.status).toBe(200);
    const r = await send('DELETE', '/api/v31/pet/10');
    expect(r.status).toBe(400);
    expect(r.json.violations).toEqual([
      { pointer: '/header/api_key', message: "must have required property 'api_key'" },
    ]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('checks enum query parameters and 2020-12 type lists in the body', async () => {
    expect((await send('GET', '/api/v31/pet/findByStatus?status=sold')).status).toBe(200);
    const badQuery = await send('GET', '/api/v31/pet/findByStatus?status=lost');
    expect(badQuery.json.violations).toEqual([
      { pointer: '/query/status', message: 'must be equal to one of the allowed values' },
    ]);
    const headers = { 'content-type': 'application/json' };
    const ok = await send('POST', '/api/v31/pet', {
      body: '{"name":"doggie","photoUrls":[],"nickname":null}',
      headers,
    });
    expect(ok.status).toBe(200);
    const bad = await send('POST', '/api/v31/pet', {
      body: '{"name":"doggie","photoUrls":"x","nickname":1}',
      headers,
    });
    expect(bad.json.violations).toEqual([
      { pointer: '/body/photoUrls', message: 'must be array' },
      { pointer: '/body/nickname', message: 'must be string,null' },
    ]);
    expect(bad.reachedUpstream).toBe(0);
  });

  it('counts responses that do not match the document without changing them', async () => {
    // The echo upstream answers GET /pet/{petId} with an object that is not a Pet.
    const r = await send('GET', '/api/v31/pet/11');
    expect(r.status).toBe(200);
    expect((r.json as unknown as EchoBody).url).toBe('/pet/11');
    expect(await metric('portico_gateway_response_mismatches_total')).toEqual([
      expect.stringMatching(/^portico_gateway_response_mismatches_total\{api="pets31"\} [1-9]/),
    ]);
  });
});

describe('shadow (report-only) validation', () => {
  it('forwards an invalid request and counts it as reported', async () => {
    const r = await send('GET', '/shadow/pets?limit=500');
    expect(r.status).toBe(200);
    expect(r.reachedUpstream).toBe(1);
    const lines = await metric('portico_gateway_validation_failures_total');
    expect(lines).toContain(
      'portico_gateway_validation_failures_total{api="shadow",mode="report"} 1',
    );
    expect(lines.some((l) => l.includes('api="pets30",mode="enforce"'))).toBe(true);
  });

  it('marks what enforcing would refuse in analytics, and nothing else', async () => {
    const invalid = await send('GET', '/shadow/pets?limit=501', {
      headers: { 'x-request-id': 'req_shadow_invalid' },
    });
    const valid = await send('GET', '/shadow/pets?limit=5', {
      headers: { 'x-request-id': 'req_shadow_valid' },
    });
    expect([invalid.status, valid.status]).toEqual([200, 200]);
    const recorded = (id: string) => gw.analytics.events.find((e) => e.requestId === id);
    expect(recorded('req_shadow_invalid')).toMatchObject({
      status: 200,
      errorCode: 'GW_REQUEST_INVALID_REPORTED',
    });
    expect(recorded('req_shadow_valid')).toMatchObject({ status: 200, errorCode: null });
  });
});

describe('config versions the gateway refuses', () => {
  it('refuses validation without an OpenAPI document and keeps the running version', async () => {
    const bad = snapshot(gw.upstream, [
      apiOf('nodoc', '/nodoc', 'svc', { policies: { validation: { mode: 'enforce' } } }),
    ]);
    expect(await gw.feed(published(2, bad))).toBe(false);
    expect(gw.gateway.runtime.current.config?.version).toBe(1);
  });

  it('refuses a route override naming no route, and a document that is not OpenAPI 3', async () => {
    const unknownRoute = snapshot(gw.upstream, [
      apiOf('badroute', '/badroute', 'svc', {
        openApi: petstore30,
        policies: { validation: { routes: { nope: 'off' } } },
      }),
    ]);
    expect(await gw.feed(published(3, unknownRoute))).toBe(false);
    const swagger2 = snapshot(gw.upstream, [
      apiOf('old', '/old', 'svc', {
        openApi: { swagger: '2.0', paths: {} },
        policies: { validation: {} },
      }),
    ]);
    expect(await gw.feed(published(4, swagger2))).toBe(false);
    expect(gw.gateway.runtime.current.config?.version).toBe(1);
    expect((await send('GET', '/v1/pets?limit=500')).status).toBe(400);
  });
});
