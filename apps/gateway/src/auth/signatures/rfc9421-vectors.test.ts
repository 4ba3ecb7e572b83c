import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type SignedRequest, signatureBase } from './signature-base';
import { parseSignature } from './signature-input';
import type { SignaturePolicy } from './signature-policy';
import { type VerificationKey, verifyRequestSignature } from './signature-verify';

// RFC 9421 Appendix B.2: the test request every example signs.
const TEST_REQUEST: SignedRequest = {
  method: 'POST',
  scheme: 'https',
  host: 'example.com',
  target: '/foo?param=Value&Pet=dog',
  rawHeaders: [
    'Host',
    'example.com',
    'Date',
    'Tue, 20 Apr 2021 02:07:55 GMT',
    'Content-Type',
    'application/json',
    'Content-Digest',
    'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'Content-Length',
    '18',
  ],
};

// B.1.5 test-shared-secret, B.1.4 test-key-ed25519.
const SHARED_SECRET = Buffer.from(
  'uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==',
  'base64',
);
const ED25519_PUBLIC = createPublicKey(
  '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n-----END PUBLIC KEY-----\n',
);

const B25_INPUT =
  'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"';
const B25_SIGNATURE = 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:';
const B26_INPUT =
  'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"';
const B26_SIGNATURE =
  'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:';

const CREATED_MS = 1618884473 * 1000;

function policy(overrides: Partial<SignaturePolicy> = {}): SignaturePolicy {
  return {
    algorithms: new Set(['hmac-sha256', 'ed25519']),
    required: [],
    requireContentDigest: false,
    requireNonce: false,
    label: null,
    clockSkewSeconds: 30,
    maxAgeSeconds: 300,
    ...overrides,
  };
}

const HMAC_KEY: VerificationKey = {
  id: 'cred_hmac',
  consumerId: 'con_1',
  algorithm: 'hmac-sha256',
  key: SHARED_SECRET,
  expiresAtMs: null,
};
const ED_KEY: VerificationKey = {
  id: 'cred_ed',
  consumerId: 'con_1',
  algorithm: 'ed25519',
  key: ED25519_PUBLIC,
  expiresAtMs: null,
};

function lookup(keyid: string) {
  if (keyid === 'test-shared-secret') return HMAC_KEY;
  if (keyid === 'test-key-ed25519') return ED_KEY;
  return null;
}

/** The signature base of the test request for a Signature-Input and Signature pair. */
function baseOf(input: string, signature: string, label: string | null) {
  const parsed = parseSignature(input, signature, label);
  if (!parsed.ok) throw new Error(parsed.detail);
  return signatureBase(parsed.value, TEST_REQUEST);
}

describe('RFC 9421 appendix B vectors', () => {
  it('builds the B.2.5 signature base exactly', () => {
    expect(baseOf(B25_INPUT, B25_SIGNATURE, null)).toEqual({
      ok: true,
      base: [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@authority": example.com',
        '"content-type": application/json',
        '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
      ].join('\n'),
    });
  });

  it('builds the B.2.6 signature base exactly', () => {
    expect(baseOf(B26_INPUT, B26_SIGNATURE, 'sig-b26')).toEqual({
      ok: true,
      base: [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join('\n'),
    });
  });

  it('verifies the B.2.5 hmac-sha256 signature with test-shared-secret', () => {
    const outcome = verifyRequestSignature(
      { ...TEST_REQUEST, signatureInput: B25_INPUT, signature: B25_SIGNATURE, hasBody: true },
      policy(),
      lookup,
      CREATED_MS,
    );
    expect(outcome).toMatchObject({ ok: true, key: { id: 'cred_hmac' }, bodyDigest: null });
  });

  it('verifies the B.2.6 ed25519 signature with test-key-ed25519', () => {
    const outcome = verifyRequestSignature(
      { ...TEST_REQUEST, signatureInput: B26_INPUT, signature: B26_SIGNATURE, hasBody: true },
      policy(),
      lookup,
      CREATED_MS + 1000,
    );
    expect(outcome).toMatchObject({ ok: true, key: { id: 'cred_ed' } });
  });

  it('refuses the B.2.6 signature when one covered field changed', () => {
    const tampered = { ...TEST_REQUEST, rawHeaders: [...TEST_REQUEST.rawHeaders] };
    tampered.rawHeaders[5] = 'text/plain';
    const outcome = verifyRequestSignature(
      { ...tampered, signatureInput: B26_INPUT, signature: B26_SIGNATURE, hasBody: true },
      policy(),
      lookup,
      CREATED_MS + 2000,
    );
    expect(outcome).toEqual({
      ok: false,
      code: 'GW_SIGNATURE_INVALID',
      detail: 'the signature does not verify',
    });
  });

  it('refuses the B.2.5 signature presented with the other key type', () => {
    const outcome = verifyRequestSignature(
      {
        ...TEST_REQUEST,
        signatureInput: B25_INPUT.replace('test-shared-secret', 'test-key-ed25519'),
        signature: B25_SIGNATURE,
        hasBody: true,
      },
      policy(),
      lookup,
      CREATED_MS,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'GW_SIGNATURE_INVALID' });
  });
});
