import { type ControlPlane, documentedYamlExample, eventually } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingEcho, type TestGateway, type Upstream } from './harness';
import { applyingDocument, type SyncedStack, startSyncedStack } from './synced-stack';

/** The first YAML example of docs/validation.md, exactly as written there. */
const documented = documentedYamlExample('validation.md');

let stack: SyncedStack;
let control: ControlPlane;
let upstream: Upstream;
let gw: TestGateway;
const countingEcho = new CountingEcho();

beforeAll(async () => {
  stack = await startSyncedStack({
    nodeName: 'gw-validation-docs',
    upstream: countingEcho.handler,
    prepare: applyingDocument(
      ({ port }) => documented.replace('127.0.0.1:9101', `127.0.0.1:${port}`),
      'docs/validation.md',
    ),
  });
  ({ control, upstream, gw } = stack);
}, 120_000);

afterAll(() => stack?.close());

async function send(method: 'GET' | 'POST', path: string, body?: string) {
  const before = countingEcho.hits;
  const res = await request(`${gw.url}${path}`, {
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const json = (await res.body.json()) as { code?: string; violations?: unknown };
  return { status: res.statusCode, json, reachedUpstream: countingEcho.hits - before };
}

describe('the YAML example of docs/validation.md, applied through the control plane', () => {
  it('refuses the documented request with the documented problem', async () => {
    const r = await send('GET', '/v1/pets?limit=500');
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('GW_REQUEST_INVALID');
    expect(r.json.violations).toEqual([{ pointer: '/query/limit', message: 'must be <= 100' }]);
    expect(r.reachedUpstream).toBe(0);
  });

  it('forwards valid requests and refuses an invalid body', async () => {
    expect((await send('GET', '/v1/pets?limit=5')).status).toBe(200);
    expect((await send('POST', '/v1/pets', '{"id":1,"name":"Rex"}')).status).toBe(200);
    const bad = await send('POST', '/v1/pets', '{"name":"Rex"}');
    expect(bad.json.violations).toEqual([
      { pointer: '/body/id', message: "must have required property 'id'" },
    ]);
    expect(bad.reachedUpstream).toBe(0);
  });

  it('follows the route overrides: pet reports, legacy is never checked', async () => {
    // The echo answer is not a Pet: the response check counts it, the client still gets it.
    const pet = await send('GET', '/v1/pets/7');
    expect(pet.status).toBe(200);
    const legacy = await send('GET', '/v1/legacy/anything?x=1');
    expect(legacy.status).toBe(200);
    expect(legacy.reachedUpstream).toBe(1);
    await eventually(async () => {
      const text = await (await request(`${gw.statusUrl}/metrics`)).body.text();
      return /portico_gateway_response_mismatches_total\{api="api_[^"]+"\} 1/.test(text);
    });
  });

  it('keeps the stored document when the file is applied again without it', async () => {
    const withoutDocument = documented
      .replace('127.0.0.1:9101', `127.0.0.1:${upstream.port}`)
      .replace(/ {4}openapi: \|[\s\S]*$/, '');
    const result = await control.trpc<{ changes: unknown[]; published: unknown }>(
      'config.applyDocument',
      { document: withoutDocument },
    );
    expect(result.changes).toEqual([]);
    expect(result.published).toBeNull();
    expect((await send('GET', '/v1/pets?limit=500')).status).toBe(400);
  });

  it('refuses to publish validation for an API without a document, changing nothing', async () => {
    const error = await control
      .trpc('config.applyDocument', {
        document: {
          services: [{ name: 'bare', targets: [`127.0.0.1:${upstream.port}`] }],
          apis: [
            {
              name: 'bare-api',
              basePath: '/bare',
              service: 'bare',
              auth: { type: 'none' },
              plugins: { validation: { mode: 'enforce' } },
            },
          ],
        },
      })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(String(error)).toContain('turns on request validation but has no OpenAPI document');
    expect((await send('GET', '/v1/pets?limit=5')).status).toBe(200);
  });
});
