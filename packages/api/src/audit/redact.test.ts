import { describe, expect, it } from 'vitest';
import { REDACTED, redactForAudit } from './redact';

describe('redactForAudit', () => {
  it('replaces secret-looking fields at any depth and keeps flags about them', () => {
    const redacted = redactForAudit({
      name: 'consul',
      hasCredentials: true,
      credentials: { token: 'abc' },
      nested: [{ passwordHash: '$argon2id$...', clear: 'pk_x', keep: 1 }],
      createdAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(redacted).toEqual({
      name: 'consul',
      hasCredentials: true,
      credentials: REDACTED,
      nested: [{ passwordHash: REDACTED, clear: REDACTED, keep: 1 }],
      createdAt: '2030-01-01T00:00:00.000Z',
    });
  });

  it('keeps null secrets as null, so "no credentials" stays visible', () => {
    expect(redactForAudit({ credentialsSealed: null })).toEqual({ credentialsSealed: null });
  });
});
