import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpenApiValidator, type Violation } from './openapi-validator';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

const v30 = new OpenApiValidator(fixture('petstore-3.0.json'));
const v31 = new OpenApiValidator(fixture('petstore-3.1.json'));

function params(
  v: OpenApiValidator,
  method: string,
  path: string,
  query = '',
  headers: Record<string, string> = {},
): Violation[] {
  const match = v.match(method, path);
  if (match === null) throw new Error(`no operation for ${method} ${path}`);
  const out: Violation[] = [];
  v.checkParameters(match, query, headers, out);
  return out;
}

function body(v: OpenApiValidator, method: string, path: string, json: string): Violation[] {
  const match = v.match(method, path);
  if (match === null) throw new Error(`no operation for ${method} ${path}`);
  const out: Violation[] = [];
  v.checkBody(match, Buffer.from(json), out);
  return out;
}

describe('OpenAPI validation over the Petstore 3.0 document', () => {
  it('accepts a query parameter within its schema and refuses one outside it', () => {
    expect(params(v30, 'GET', '/pets', 'limit=20')).toEqual([]);
    expect(params(v30, 'GET', '/pets', '')).toEqual([]);
    expect(params(v30, 'GET', '/pets', 'limit=101')).toEqual([
      { pointer: '/query/limit', message: 'must be <= 100' },
    ]);
    expect(params(v30, 'GET', '/pets', 'limit=ten')).toEqual([
      { pointer: '/query/limit', message: 'must be integer' },
    ]);
  });

  it('matches templated paths and reads path parameters', () => {
    expect(params(v30, 'GET', '/pets/abc')).toEqual([]);
    expect(v30.match('GET', '/pets/abc')?.pathValues).toEqual({ petId: 'abc' });
    expect(v30.match('GET', '/owners')).toBeNull();
    expect(v30.match('DELETE', '/pets/abc')).toBeNull();
  });

  it('checks JSON bodies and lists every violation with its pointer', () => {
    expect(body(v30, 'POST', '/pets', '{"id":1,"name":"Rex"}')).toEqual([]);
    expect(body(v30, 'POST', '/pets', '{"id":"1","tag":7}')).toEqual([
      { pointer: '/body/name', message: "must have required property 'name'" },
      { pointer: '/body/id', message: 'must be integer' },
      { pointer: '/body/tag', message: 'must be string' },
    ]);
    expect(body(v30, 'POST', '/pets', '{"id":')[0]?.pointer).toBe('/body');
  });

  it('refuses a missing required body and a media type the operation does not take', () => {
    const match = v30.match('POST', '/pets');
    if (match === null) throw new Error('createPets not matched');
    const out: Violation[] = [];
    v30.checkBodyEnvelope(match, undefined, false, out);
    v30.checkBodyEnvelope(match, 'text/plain', true, out);
    expect(out).toEqual([
      { pointer: '/body', message: 'a request body is required' },
      {
        pointer: '/header/content-type',
        message: 'content type "text/plain" is not one of application/json',
      },
    ]);
  });

  it('checks responses against the status, falling back to default', () => {
    const match = v30.match('GET', '/pets');
    if (match === null) throw new Error('listPets not matched');
    const out: Violation[] = [];
    v30.checkResponse(match, 200, Buffer.from('[{"id":1,"name":"a"}]'), out);
    expect(out).toEqual([]);
    v30.checkResponse(match, 500, Buffer.from('{"code":"x"}'), out);
    expect(out.map((o) => o.pointer)).toEqual(['/response/message', '/response/code']);
  });
});

describe('OpenAPI validation over the Petstore 3.1 document', () => {
  it('coerces and checks an int64 path parameter', () => {
    expect(params(v31, 'GET', '/pet/10')).toEqual([]);
    expect(params(v31, 'GET', '/pet/ten')).toEqual([
      { pointer: '/path/petId', message: 'must be integer' },
    ]);
  });

  it('prefers a literal path over a templated one', () => {
    expect(v31.match('GET', '/pet/findByStatus')?.pathValues).toEqual({});
    expect(params(v31, 'GET', '/pet/findByStatus', 'status=sold')).toEqual([]);
    expect(params(v31, 'GET', '/pet/findByStatus', 'status=lost')[0]?.pointer).toBe(
      '/query/status',
    );
  });

  it('reads exploded array query parameters', () => {
    expect(params(v31, 'GET', '/pet/findByTags', 'tags=a&tags=b')).toEqual([]);
    expect(params(v31, 'GET', '/pet/findByTags', 'tags=a')).toEqual([]);
  });

  it('requires a declared header parameter, by case-insensitive name', () => {
    expect(params(v31, 'DELETE', '/pet/10', '', { api_key: 'k' })).toEqual([]);
    expect(params(v31, 'DELETE', '/pet/10')).toEqual([
      { pointer: '/header/api_key', message: "must have required property 'api_key'" },
    ]);
  });

  it('validates bodies with JSON Schema 2020-12 type lists', () => {
    expect(body(v31, 'POST', '/pet', '{"name":"doggie","photoUrls":[],"nickname":null}')).toEqual(
      [],
    );
    expect(body(v31, 'POST', '/pet', '{"name":"doggie","photoUrls":[],"nickname":3}')).toEqual([
      { pointer: '/body/nickname', message: 'must be string,null' },
    ]);
    expect(body(v31, 'POST', '/pet', '{"name":"x","photoUrls":[],"status":"lost"}')[0]).toEqual({
      pointer: '/body/status',
      message: 'must be equal to one of the allowed values',
    });
  });
});

describe('documents the validator refuses', () => {
  it('names the version when the document is not OpenAPI 3.0 or 3.1', () => {
    expect(() => new OpenApiValidator({ swagger: '2.0' })).toThrow(
      'only OpenAPI 3.0 and 3.1 documents are supported',
    );
  });

  it('names the operation whose schema does not compile', () => {
    expect(
      () =>
        new OpenApiValidator({
          openapi: '3.0.3',
          paths: {
            '/a': {
              get: {
                parameters: [
                  { name: 'q', in: 'query', schema: { $ref: '#/components/schemas/Nope' } },
                ],
              },
            },
          },
        }),
    ).toThrow('GET /a query');
  });
});
