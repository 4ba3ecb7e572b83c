import { describe, expect, it } from 'vitest';
import { loadPortalEnv } from './env';

describe('loadPortalEnv', () => {
  it('defaults to the local control plane and a 15 s Try it timeout', () => {
    const env = loadPortalEnv({});
    expect(env.PORTICO_CONTROL_URL).toBe('http://127.0.0.1:4000');
    expect(env.PORTICO_PORTAL_TRY_IT_TIMEOUT_MS).toBe(15_000);
    expect(env.PORTICO_PORTAL_GATEWAY_URL).toBeUndefined();
  });

  it('drops trailing slashes so paths can be appended', () => {
    const env = loadPortalEnv({
      PORTICO_CONTROL_URL: 'http://control:4000/',
      PORTICO_PORTAL_GATEWAY_URL: 'http://gateway-1:8080//',
    });
    expect(env.PORTICO_CONTROL_URL).toBe('http://control:4000');
    expect(env.PORTICO_PORTAL_GATEWAY_URL).toBe('http://gateway-1:8080');
  });

  it('names each bad variable and what it must be', () => {
    expect(() =>
      loadPortalEnv({ PORTICO_CONTROL_URL: 'ftp://x', PORTICO_PORTAL_TRY_IT_TIMEOUT_MS: 'soon' }),
    ).toThrow(
      /PORTICO_CONTROL_URL: must be an http\(s\) URL of the control plane[\s\S]*PORTICO_PORTAL_TRY_IT_TIMEOUT_MS: must be a number of milliseconds/,
    );
  });
});
