import { describe, expect, it } from 'vitest';
import { type SignedRequest, signatureBase } from './signature-base';
import { parseSignature } from './signature-input';

function baseFor(components: string, request: Partial<SignedRequest>) {
  const parsed = parseSignature(`sig=(${components});created=1`, 'sig=:AAAA:', null);
  if (!parsed.ok) throw new Error(parsed.detail);
  const full: SignedRequest = {
    method: 'POST',
    scheme: 'https',
    host: 'www.example.com',
    target: '/path?param=value',
    rawHeaders: [],
    ...request,
  };
  const base = signatureBase(parsed.value, full);
  return base.ok ? base.base.split('\n').slice(0, -1) : base.detail;
}

// The derived-component examples of RFC 9421 §2.2, for `POST /path?param=value` to www.example.com.
describe('derived components (RFC 9421 §2.2)', () => {
  it('produces @method, @target-uri, @authority, @scheme, @request-target, @path and @query', () => {
    expect(
      baseFor(
        '"@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query"',
        {},
      ),
    ).toEqual([
      '"@method": POST',
      '"@target-uri": https://www.example.com/path?param=value',
      '"@authority": www.example.com',
      '"@scheme": https',
      '"@request-target": /path?param=value',
      '"@path": /path',
      '"@query": ?param=value',
    ]);
  });

  it('gives "?" for @query without a query, and drops the default port from @authority', () => {
    expect(
      baseFor('"@query" "@authority"', { target: '/path', host: 'WWW.Example.com:443' }),
    ).toEqual(['"@query": ?', '"@authority": www.example.com']);
  });

  it('re-encodes @query-param values as the RFC examples show', () => {
    const target =
      '/path?var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something';
    expect(
      baseFor(
        '"@query-param";name="var" "@query-param";name="bar" "@query-param";name="fa%C3%A7ade%22%3A%20"',
        { target },
      ),
    ).toEqual([
      '"@query-param";name="var": this%20is%20a%20big%0Avalue',
      '"@query-param";name="bar": with%20plus%20whitespace',
      '"@query-param";name="fa%C3%A7ade%22%3A%20": something',
    ]);
  });

  it('refuses @query-param naming an absent or repeated parameter, and @status', () => {
    expect(baseFor('"@query-param";name="nope"', {})).toBe('the query parameter "nope" is absent');
    expect(baseFor('"@query-param";name="a"', { target: '/p?a=1&a=2' })).toBe(
      'the query parameter "a" occurs more than once',
    );
    expect(baseFor('"@status"', {})).toBe(
      '"@status" is a response component; a request cannot cover it',
    );
  });
});

// The field examples of RFC 9421 §2.1.
describe('header fields (RFC 9421 §2.1)', () => {
  const rawHeaders = [
    'Example-Dict',
    ' a=1,    b=2;x=1;y=2,   c=(a   b   c)',
    'X-OWS-Header',
    '   Leading and trailing whitespace.   ',
    'X-Obs-Fold-Header',
    'Obsolete',
    'Cache-Control',
    'max-age=60',
    'Cache-Control',
    '   must-revalidate',
  ];

  it('trims values and joins repeated fields with ", "', () => {
    expect(baseFor('"x-ows-header" "cache-control"', { rawHeaders })).toEqual([
      '"x-ows-header": Leading and trailing whitespace.',
      '"cache-control": max-age=60, must-revalidate',
    ]);
  });

  it('re-serializes a dictionary with ;sf and picks members with ;key', () => {
    expect(
      baseFor(
        '"example-dict";sf "example-dict";key="a" "example-dict";key="b" "example-dict";key="c"',
        {
          rawHeaders,
        },
      ),
    ).toEqual([
      '"example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c)',
      '"example-dict";key="a": 1',
      '"example-dict";key="b": 2;x=1;y=2',
      '"example-dict";key="c": (a b c)',
    ]);
  });

  it('refuses an absent covered field and unsupported component parameters', () => {
    expect(baseFor('"content-digest"', { rawHeaders })).toBe(
      'the covered field "content-digest" is absent',
    );
    expect(baseFor('"example-dict";bs', { rawHeaders })).toBe(
      'the component parameter ";bs" on "example-dict" is not supported',
    );
  });
});
