import { generateSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { EnvError, loadControlEnv } from './env';

const VALID = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/portico',
  PORTICO_SECRET_KEY: 'ab'.repeat(32),
  PORTICO_SESSION_SECRET: 'x'.repeat(32),
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    loadControlEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadControlEnv', () => {
  it('applies the documented defaults', () => {
    const env = loadControlEnv(VALID);
    expect(env).toMatchObject({
      PORTICO_CONTROL_PORT: 4000,
      PORTICO_CONTROL_HOST: '0.0.0.0',
      PORTICO_COOKIE_SECURE: false,
      PORTICO_CONSOLE_ORIGINS: ['http://localhost:3000', 'http://127.0.0.1:3000'],
    });
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PORTICO_BOOTSTRAP_TOKEN).toBeUndefined();
  });

  it('names each missing required variable', () => {
    const problems = problemsOf({});
    expect(problems.some((p) => p.startsWith('DATABASE_URL: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORTICO_SECRET_KEY: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORTICO_SESSION_SECRET: '))).toBe(true);
  });

  it('names malformed values and says what they must be', () => {
    expect(problemsOf({ ...VALID, PORTICO_SECRET_KEY: 'abc' })).toEqual([
      'PORTICO_SECRET_KEY: must be 64 hex characters (32 bytes), e.g. `openssl rand -hex 32`',
    ]);
    expect(problemsOf({ ...VALID, PORTICO_SESSION_SECRET: 'short' })[0]).toMatch(
      /^PORTICO_SESSION_SECRET: must be at least 32/,
    );
    expect(problemsOf({ ...VALID, PORTICO_CONTROL_PORT: '70000' })[0]).toMatch(
      /^PORTICO_CONTROL_PORT: /,
    );
    expect(problemsOf({ ...VALID, REDIS_URL: 'localhost:6379' })[0]).toMatch(
      /^REDIS_URL: must be a redis:\/\//,
    );
    expect(problemsOf({ ...VALID, PORTICO_CONSOLE_ORIGINS: 'not a url' })[0]).toMatch(
      /^PORTICO_CONSOLE_ORIGINS/,
    );
    expect(problemsOf({ ...VALID, DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL: /);
  });

  it('takes a Redis prefix without braces, or none (derived from the database name in main)', () => {
    expect(loadControlEnv(VALID).PORTICO_REDIS_PREFIX).toBeUndefined();
    expect(loadControlEnv({ ...VALID, PORTICO_REDIS_PREFIX: 'edge-1' }).PORTICO_REDIS_PREFIX).toBe(
      'edge-1',
    );
    expect(problemsOf({ ...VALID, PORTICO_REDIS_PREFIX: '{portico}' })[0]).toMatch(
      /^PORTICO_REDIS_PREFIX: 1-64 letters/,
    );
  });

  it('accepts only a well-formed pat_ bootstrap token', () => {
    const token = generateSecret('bootstrap').clear;
    expect(
      loadControlEnv({ ...VALID, PORTICO_BOOTSTRAP_TOKEN: token }).PORTICO_BOOTSTRAP_TOKEN,
    ).toBe(token);
    expect(problemsOf({ ...VALID, PORTICO_BOOTSTRAP_TOKEN: 'x'.repeat(40) })[0]).toMatch(
      /^PORTICO_BOOTSTRAP_TOKEN: must be a well-formed pat_ token/,
    );
    expect(
      loadControlEnv({ ...VALID, PORTICO_BOOTSTRAP_TOKEN: '' }).PORTICO_BOOTSTRAP_TOKEN,
    ).toBeUndefined();
  });

  it('parses booleans and origin lists', () => {
    const env = loadControlEnv({
      ...VALID,
      PORTICO_COOKIE_SECURE: 'true',
      PORTICO_CONSOLE_ORIGINS: 'https://console.example.com/, https://b.example.com:8443',
    });
    expect(env.PORTICO_COOKIE_SECURE).toBe(true);
    expect(env.PORTICO_CONSOLE_ORIGINS).toEqual([
      'https://console.example.com',
      'https://b.example.com:8443',
    ]);
  });

  it('reads the portal settings: origins, public URL, SMTP and sender', () => {
    const defaults = loadControlEnv(VALID);
    expect(defaults).toMatchObject({
      PORTICO_PORTAL_ORIGINS: ['http://localhost:3001', 'http://127.0.0.1:3001'],
      PORTICO_PORTAL_URL: 'http://localhost:3001',
      PORTICO_MAIL_FROM: 'Portico <no-reply@portico.local>',
    });
    expect(defaults.PORTICO_SMTP_URL).toBeUndefined();
    const env = loadControlEnv({
      ...VALID,
      PORTICO_PORTAL_ORIGINS: 'https://developer.example.com/',
      PORTICO_PORTAL_URL: 'https://developer.example.com/',
      PORTICO_SMTP_URL: 'smtps://user:pass@mail.example.com:465',
    });
    expect(env.PORTICO_PORTAL_ORIGINS).toEqual(['https://developer.example.com']);
    expect(env.PORTICO_PORTAL_URL).toBe('https://developer.example.com');
    expect(env.PORTICO_SMTP_URL).toBe('smtps://user:pass@mail.example.com:465');
    expect(problemsOf({ ...VALID, PORTICO_SMTP_URL: 'mail.example.com:25' })[0]).toMatch(
      /^PORTICO_SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(problemsOf({ ...VALID, PORTICO_PORTAL_URL: 'developer.example.com' })[0]).toMatch(
      /^PORTICO_PORTAL_URL: must be an http\(s\) URL/,
    );
  });
});
