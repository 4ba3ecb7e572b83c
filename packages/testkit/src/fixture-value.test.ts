import { describe, expect, it } from 'vitest';
import { fixtureValue } from './fixture-value';

describe('fixtureValue', () => {
  it('returns a value the fixture has set', () => {
    expect(fixtureValue(0, 'not ready')).toBe(0);
    expect(fixtureValue('', 'not ready')).toBe('');
  });

  it('fails with the given message while the value is not set', () => {
    expect(() => fixtureValue(undefined, 'the gateway is not started yet')).toThrow(
      'the gateway is not started yet',
    );
  });
});
