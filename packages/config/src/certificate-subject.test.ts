import { describe, expect, it } from 'vitest';
import { canonicalSubject } from './certificate-subject';

describe('canonicalSubject', () => {
  it.each([
    ['O=Acme\nCN=client-1', 'Node multi-line'],
    ['subject=O = Acme, CN = client-1', 'OpenSSL'],
    ['/O=Acme/CN=client-1', 'slash form'],
    ['O=Acme,CN=client-1', 'canonical'],
  ])('reads %j (%s) as O=Acme,CN=client-1', (input) => {
    expect(canonicalSubject(input)).toBe('O=Acme,CN=client-1');
  });

  it('keeps a comma inside a value that is not followed by an attribute', () => {
    expect(canonicalSubject('O=Acme, Inc.\nCN=x')).toBe('O=Acme, Inc.,CN=x');
  });
});
