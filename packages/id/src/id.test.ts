import { describe, expect, it } from 'vitest';
import { isId, newId } from './index';

describe('newId', () => {
  it('prefixes ids with their kind', () => {
    expect(newId('api')).toMatch(/^api_[0-9a-z]{26}$/);
    expect(isId('key', newId('key'))).toBe(true);
    expect(isId('key', newId('api'))).toBe(false);
  });

  it('sorts by creation time', () => {
    const earlier = newId('request', 1_700_000_000_000);
    const later = newId('request', 1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('request')));
    expect(ids.size).toBe(10_000);
  });
});
