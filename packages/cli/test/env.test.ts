import { describe, expect, it } from 'vitest';
import { parseCliEnv } from '../src/env';

describe('parseCliEnv', () => {
  it('defaults the control plane to http://127.0.0.1:4000 and has no token', () => {
    expect(parseCliEnv({})).toEqual({ url: 'http://127.0.0.1:4000', token: null, noColor: false });
  });

  it('prefers PORTICO_URL over PORTICO_CONTROL_URL and drops a trailing slash', () => {
    const env = parseCliEnv({
      PORTICO_URL: 'http://127.0.0.1:5000/',
      PORTICO_CONTROL_URL: 'http://127.0.0.1:6000',
      PORTICO_TOKEN: 'pat_x',
    });
    expect(env).toEqual({ url: 'http://127.0.0.1:5000', token: 'pat_x', noColor: false });
  });

  it.each(['not a url', 'ftp://127.0.0.1', 'localhost:4000'])(
    'names PORTICO_URL when it is %j',
    (value) => {
      expect(() => parseCliEnv({ PORTICO_URL: value })).toThrow(
        /^PORTICO_URL: must be an http\(s\) URL/,
      );
    },
  );

  it('turns colours off for any non-empty NO_COLOR', () => {
    expect(parseCliEnv({ NO_COLOR: '1' }).noColor).toBe(true);
  });
});
