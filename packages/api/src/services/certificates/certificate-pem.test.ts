import { describe, expect, it } from 'vitest';
import { hostCoveredBy } from './certificate-pem';

describe('hostCoveredBy', () => {
  const san = ['a.test', '*.wild.test'];

  it('accepts a host listed in the SAN, in any case', () => {
    expect(hostCoveredBy('a.test', san)).toBe(true);
    expect(hostCoveredBy('A.Test', san)).toBe(true);
  });

  it('accepts one label under a SAN wildcard, and the wildcard itself', () => {
    expect(hostCoveredBy('x.wild.test', san)).toBe(true);
    expect(hostCoveredBy('*.wild.test', san)).toBe(true);
  });

  it('refuses two labels under a wildcard, the bare parent, and unlisted hosts', () => {
    expect(hostCoveredBy('x.y.wild.test', san)).toBe(false);
    expect(hostCoveredBy('wild.test', san)).toBe(false);
    expect(hostCoveredBy('b.test', san)).toBe(false);
    expect(hostCoveredBy('*.a.test', ['a.test'])).toBe(false);
  });
});
