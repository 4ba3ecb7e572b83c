import { describe, expect, it } from 'vitest';
import { createIdSequence, isId, newId } from './index';

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

describe('createIdSequence', () => {
  it('makes ids of the same shape as newId', () => {
    const next = createIdSequence('request');
    for (let i = 0; i < 100; i++) expect(isId('request', next())).toBe(true);
  });

  it('counts up within one millisecond, so ids sort in the order they were made', () => {
    const next = createIdSequence('request', () => 1_700_000_000_000);
    const ids = Array.from({ length: 5_000 }, () => next());
    expect(new Set(ids).size).toBe(5_000);
    expect([...ids].sort()).toEqual(ids);
  });

  it('sorts by time across milliseconds', () => {
    let now = 1_700_000_000_000;
    const next = createIdSequence('request', () => now);
    const earlier = next();
    now += 1;
    expect(earlier < next()).toBe(true);
  });

  it('does not collide between two sequences in the same millisecond', () => {
    const a = createIdSequence('request', () => 1_700_000_000_000);
    const b = createIdSequence('request', () => 1_700_000_000_000);
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      ids.add(a());
      ids.add(b());
    }
    expect(ids.size).toBe(20_000);
  });
});
