import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Authenticated } from '../auth/auth-outcome';
import { compileHeaderTransform } from '../policies/header-transform';
import type { ClientView } from './forwarded-headers';
import { type UpstreamSource, upstreamHeadersFor, upstreamPathFor } from './upstream-headers';

const VIEW: ClientView = {
  clientIp: '203.0.113.5',
  xForwardedFor: '203.0.113.5',
  xForwardedProto: 'http',
  xForwardedHost: 'api.test',
  forwarded: 'for=203.0.113.5;host="api.test";proto=http',
  peerTrusted: false,
};

function source(rawHeaders: string[], overrides: Partial<UpstreamSource> = {}): UpstreamSource {
  const headers: IncomingMessage['headers'] = {};
  for (let i = 0; i < rawHeaders.length; i += 2)
    headers[(rawHeaders[i] as string).toLowerCase()] = rawHeaders[i + 1];
  return {
    req: { headers, rawHeaders },
    requestId: 'req_1',
    outcome: ANONYMOUS,
    view: VIEW,
    entry: {
      requestHeaders: compileHeaderTransform({ add: {}, remove: [] }),
      api: { stripBasePath: false },
    },
    path: '/v1/orders',
    relativePath: '/orders',
    query: '',
    ...overrides,
  };
}

function valuesOf(headers: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < headers.length; i += 2)
    if (headers[i] === name) values.push(headers[i + 1] as string);
  return values;
}

describe('the upstream request', () => {
  it('drops hop-by-hop, connection-named and gateway-owned headers the client sent', () => {
    const headers = upstreamHeadersFor(
      source([
        'Accept',
        'application/json',
        'Connection',
        'keep-alive, X-Secret',
        'X-Secret',
        'hush',
        'X-Forwarded-For',
        '1.1.1.1',
        'X-Consumer-Id',
        'forged',
        'Content-Length',
        '12',
      ]),
    );
    expect(valuesOf(headers, 'accept')).toEqual(['application/json']);
    expect(valuesOf(headers, 'x-secret')).toEqual([]);
    expect(valuesOf(headers, 'connection')).toEqual([]);
    expect(valuesOf(headers, 'content-length')).toEqual([]);
    expect(valuesOf(headers, 'x-consumer-id')).toEqual([]);
    expect(valuesOf(headers, 'x-forwarded-for')).toEqual(['203.0.113.5']);
    expect(valuesOf(headers, 'x-request-id')).toEqual(['req_1']);
    expect(valuesOf(headers, 'traceparent')).toHaveLength(1);
  });

  it('never forwards the credential, and names the consumer instead', () => {
    const outcome: Authenticated = {
      ok: true,
      consumer: { id: 'con_1', name: 'acme', status: 'active' },
      keyId: 'key_1',
      plan: null,
      credentialHeader: 'x-api-key',
      credentialQueryParam: null,
    };
    const headers = upstreamHeadersFor(source(['X-Api-Key', 'pk_secret'], { outcome }));
    expect(valuesOf(headers, 'x-api-key')).toEqual([]);
    expect(valuesOf(headers, 'x-consumer-id')).toEqual(['con_1']);
    expect(valuesOf(headers, 'x-consumer-name')).toEqual(['acme']);
  });

  it("applies the API's request header transform last", () => {
    const headers = upstreamHeadersFor(
      source(['X-Debug', '1'], {
        entry: {
          requestHeaders: compileHeaderTransform({ add: { 'X-Tenant': 'a' }, remove: ['x-debug'] }),
          api: { stripBasePath: false },
        },
      }),
    );
    expect(valuesOf(headers, 'x-debug')).toEqual([]);
    expect(valuesOf(headers, 'x-tenant')).toEqual(['a']);
  });

  it('keeps or strips the base path and drops the key query parameter', () => {
    expect(upstreamPathFor(source([], { query: 'a=1' }))).toBe('/v1/orders?a=1');
    const outcome: Authenticated = {
      ...ANONYMOUS,
      credentialQueryParam: 'api_key',
    };
    expect(
      upstreamPathFor(
        source([], {
          query: 'api_key=pk_x&a=1',
          outcome,
          entry: {
            requestHeaders: compileHeaderTransform({ add: {}, remove: [] }),
            api: { stripBasePath: true },
          },
        }),
      ),
    ).toBe('/orders?a=1');
    expect(upstreamPathFor(source([], { query: 'api_key=pk_x', outcome }))).toBe('/v1/orders');
  });
});
