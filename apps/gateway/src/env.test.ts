import { describe, expect, it } from 'vitest';
import { parseGatewayEnv } from './env';

const minimal = { PORTICO_CONTROL_URL: 'http://control:4000/', PORTICO_DP_TOKEN: 'pdp_x' };

describe('parseGatewayEnv', () => {
  it('fills defaults and trims the control URL', () => {
    const env = parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, ::1' });
    expect(env.PORTICO_CONTROL_URL).toBe('http://control:4000');
    expect(env.PORTICO_GATEWAY_PORT).toBe(8080);
    expect(env.PORTICO_GATEWAY_STATUS_PORT).toBe(8081);
    expect(env.PORTICO_GATEWAY_WORKERS).toBeGreaterThanOrEqual(1);
    expect(env.PORTICO_GATEWAY_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1']);
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() => parseGatewayEnv({ PORTICO_GATEWAY_PORT: 'eighty' })).toThrow(
      /PORTICO_CONTROL_URL[\s\S]*PORTICO_DP_TOKEN[\s\S]*PORTICO_GATEWAY_PORT/,
    );
    expect(() => parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_WORKERS: '0' })).toThrow(
      /PORTICO_GATEWAY_WORKERS/,
    );
  });

  it('bounds the response cache: 64 MiB in memory, 25 ms per Redis lookup, its own key prefix', () => {
    expect(parseGatewayEnv(minimal)).toMatchObject({
      PORTICO_GATEWAY_CACHE_MAX_BYTES: 67_108_864,
      PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS: 25,
    });
    expect(parseGatewayEnv(minimal).PORTICO_GATEWAY_CACHE_REDIS_PREFIX).toBeUndefined();
    expect(
      parseGatewayEnv({
        ...minimal,
        PORTICO_GATEWAY_CACHE_MAX_BYTES: '2097152',
        PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS: '10',
        PORTICO_GATEWAY_CACHE_REDIS_PREFIX: 'edge1:cache:',
      }),
    ).toMatchObject({
      PORTICO_GATEWAY_CACHE_MAX_BYTES: 2_097_152,
      PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS: 10,
      PORTICO_GATEWAY_CACHE_REDIS_PREFIX: 'edge1:cache:',
    });
    // Below one maximum-size entry the memory cache could hold nothing worth having.
    expect(() => parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_CACHE_MAX_BYTES: '1000' })).toThrow(
      /PORTICO_GATEWAY_CACHE_MAX_BYTES/,
    );
    expect(() =>
      parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS: '0' }),
    ).toThrow(/PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS/);
    expect(() =>
      parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_CACHE_REDIS_PREFIX: 'has space' }),
    ).toThrow(/PORTICO_GATEWAY_CACHE_REDIS_PREFIX/);
  });

  it('waits up to a 1 s ceiling for the limiter and takes a Redis prefix without braces', () => {
    expect(parseGatewayEnv(minimal)).toMatchObject({
      PORTICO_GATEWAY_LIMITER_BUDGET_MS: 50,
      PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS: 1000,
      PORTICO_GATEWAY_LIMITER_REQUIRE_RESTORE_MARKER: false,
    });
    expect(parseGatewayEnv(minimal).PORTICO_REDIS_PREFIX).toBeUndefined();
    expect(
      parseGatewayEnv({ ...minimal, PORTICO_REDIS_PREFIX: 'stack-2' }).PORTICO_REDIS_PREFIX,
    ).toBe('stack-2');
    expect(() => parseGatewayEnv({ ...minimal, PORTICO_REDIS_PREFIX: 'a{b}' })).toThrow(
      /PORTICO_REDIS_PREFIX: 1-64 letters/,
    );
    expect(() => parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS: '0' })).toThrow(
      /PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS/,
    );
  });

  it('opens a TLS listener only when PORTICO_GATEWAY_TLS_PORT names a port', () => {
    expect(parseGatewayEnv(minimal).PORTICO_GATEWAY_TLS_PORT).toBeUndefined();
    expect(parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_TLS_PORT: '8443' })).toMatchObject({
      PORTICO_GATEWAY_TLS_PORT: 8443,
    });
    // An empty value would otherwise coerce to 0 (a random port): refused, naming the variable.
    expect(() => parseGatewayEnv({ ...minimal, PORTICO_GATEWAY_TLS_PORT: '' })).toThrow(
      /PORTICO_GATEWAY_TLS_PORT/,
    );
  });
});
