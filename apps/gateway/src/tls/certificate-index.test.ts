import type { SecureContext } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { type CertificateIndex, contextFor, EMPTY_CERTIFICATE_INDEX } from './certificate-index';

// Stand-ins: only their identity matters to the lookup.
const exactCtx = { name: 'exact' } as unknown as SecureContext;
const wildCtx = { name: 'wild' } as unknown as SecureContext;
const firstCtx = { name: 'first' } as unknown as SecureContext;

const index: CertificateIndex = {
  source: null,
  exact: new Map([['api.example.com', exactCtx]]),
  wildcard: new Map([['example.com', wildCtx]]),
  fallback: { context: firstCtx, cert: '', key: '' },
  skipped: [],
};

describe('contextFor', () => {
  it('prefers an exact host over a wildcard covering it', () => {
    expect(contextFor(index, 'api.example.com')).toBe(exactCtx);
    expect(contextFor(index, 'API.Example.com.')).toBe(exactCtx);
  });

  it('uses a wildcard for exactly one label', () => {
    expect(contextFor(index, 'www.example.com')).toBe(wildCtx);
    expect(contextFor(index, 'a.b.example.com')).toBe(firstCtx);
    expect(contextFor(index, 'example.com')).toBe(firstCtx);
  });

  it('has nothing to offer when no certificate is configured', () => {
    expect(contextFor(EMPTY_CERTIFICATE_INDEX, 'api.example.com')).toBeNull();
  });
});
