import { describe, expect, it } from 'vitest';
import { gatewayTarget, outgoingHeaders, ZTryItRequest } from './try-it-request';

describe('gatewayTarget', () => {
  it('resolves a path with its query on the gateway', () => {
    expect(gatewayTarget('http://127.0.0.1:8080', '/pay/v1/charges?limit=5')?.toString()).toBe(
      'http://127.0.0.1:8080/pay/v1/charges?limit=5',
    );
  });

  it('refuses a path that would leave the gateway', () => {
    expect(gatewayTarget('http://127.0.0.1:8080', '//evil.example/x')).toBeNull();
    expect(gatewayTarget('http://127.0.0.1:8080', 'http://169.254.169.254/latest')).toBeNull();
  });
});

describe('ZTryItRequest', () => {
  it('says what is wrong with a path that is not absolute', () => {
    const parsed = ZTryItRequest.safeParse({ method: 'GET', path: 'http://elsewhere/' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('must start with a single /');
  });
});

describe('outgoingHeaders', () => {
  it('sends the key as x-api-key and drops session and hop headers', () => {
    const headers = outgoingHeaders(
      ZTryItRequest.parse({
        method: 'GET',
        path: '/x',
        apiKey: 'pk_test',
        headers: [
          { name: 'Cookie', value: 'portico_session=stolen' },
          { name: 'Host', value: 'elsewhere' },
          { name: 'Accept', value: 'application/json' },
        ],
      }),
    );
    expect(headers.get('x-api-key')).toBe('pk_test');
    expect(headers.get('cookie')).toBeNull();
    expect(headers.get('host')).toBeNull();
    expect(headers.get('accept')).toBe('application/json');
  });
});
