import { describe, expect, it } from 'vitest';
import { compileTrustedCas } from './trusted-cas';

describe('compileTrustedCas', () => {
  it('refuses the version, naming the entry, when a CA certificate does not load', () => {
    expect(() =>
      compileTrustedCas(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']),
    ).toThrow(/^caCertificates\[0\] does not load: /);
  });

  it('compiles an empty list to no CA (nothing is trusted)', () => {
    expect(compileTrustedCas([]).cas).toEqual([]);
  });
});
