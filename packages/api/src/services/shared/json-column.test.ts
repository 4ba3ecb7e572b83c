import { ZRateLimit } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { PorticoError } from './domain-errors';
import { parseJsonColumn, parseNullableJsonColumn } from './json-column';

describe('parseJsonColumn', () => {
  it('returns the stored value as its schema reads it', () => {
    expect(
      parseJsonColumn(ZRateLimit, { requests: 10, per: 'minute' }, 'plan p: rateLimit'),
    ).toEqual({ requests: 10, per: 'minute' });
  });

  it('refuses a stored value that does not fit, naming the entity, the field and the problem', () => {
    let thrown: unknown;
    try {
      parseJsonColumn(ZRateLimit, { requests: 'many', per: 'minute' }, 'plan gold: rateLimit');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PorticoError);
    expect((thrown as PorticoError).code).toBe('CTL_INTERNAL');
    expect((thrown as PorticoError).message).toMatch(
      /^stored plan gold: rateLimit does not match its schema: requests: /,
    );
  });

  it('keeps SQL NULL as null for a nullable column', () => {
    expect(parseNullableJsonColumn(ZRateLimit, null, 'plan p: rateLimit')).toBeNull();
  });
});
