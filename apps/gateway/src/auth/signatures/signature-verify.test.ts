import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { contentDigest, signHttpRequest } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import type { SignaturePolicy } from './signature-policy';
import {
  type SignatureInput,
  type VerificationKey,
  verifyRequestSignature,
} from './signature-verify';

const NOW_S = 1_800_000_000;
const NOW_MS = NOW_S * 1000;
const secret = randomBytes(32);
const ed = generateKeyPairSync('ed25519');
const KEYS: Record<string, VerificationKey> = {
  'h-1': {
    id: 'cred_h',
    consumerId: 'c',
    algorithm: 'hmac-sha256',
    key: secret,
    expiresAtMs: null,
  },
  'e-1': {
    id: 'cred_e',
    consumerId: 'c',
    algorithm: 'ed25519',
    key: ed.publicKey,
    expiresAtMs: null,
  },
  'old-1': {
    id: 'cred_o',
    consumerId: 'c',
    algorithm: 'hmac-sha256',
    key: secret,
    expiresAtMs: NOW_MS - 1,
  },
};
const lookup = (keyid: string) => KEYS[keyid] ?? null;

const POLICY: SignaturePolicy = {
  algorithms: new Set(['hmac-sha256', 'ed25519']),
  required: ['"@method"', '"@authority"', '"@path"'],
  requireContentDigest: true,
  requireNonce: false,
  label: null,
  clockSkewSeconds: 30,
  maxAgeSeconds: 300,
};

let nonceSeq = 0;
function request(opts: {
  body?: string;
  components?: string[];
  keyid?: string;
  created?: number;
  expires?: number;
  nonce?: string | null;
  method?: string;
}): SignatureInput {
  const url = 'http://api.example.test:8080/v1/orders?id=7';
  const headers: Record<string, string> = { host: 'api.example.test:8080' };
  if (opts.body !== undefined) headers['content-digest'] = contentDigest(opts.body);
  const keyid = opts.keyid ?? 'h-1';
  const signed = signHttpRequest({
    method: 'POST',
    url,
    headers,
    components: opts.components ?? ['@method', '@authority', '@path'],
    keyid,
    alg: keyid.startsWith('e') ? 'ed25519' : 'hmac-sha256',
    key: keyid.startsWith('e') ? ed.privateKey : secret,
    created: opts.created ?? NOW_S,
    ...(opts.expires === undefined ? {} : { expires: opts.expires }),
    ...(opts.nonce === null ? {} : { nonce: opts.nonce ?? `n${nonceSeq++}` }),
  });
  const raw: string[] = [];
  for (const [k, v] of Object.entries(headers)) raw.push(k, v);
  return {
    method: opts.method ?? 'POST',
    scheme: 'http',
    host: headers.host as string,
    target: '/v1/orders?id=7',
    rawHeaders: raw,
    signatureInput: signed['signature-input'],
    signature: signed.signature,
    hasBody: opts.body !== undefined,
  };
}

/** The verdict on `input` under the file's policy and keys, at the file's fixed time. */
function verifiedNow(input: SignatureInput) {
  return verifyRequestSignature(input, POLICY, lookup, NOW_MS);
}

describe('verifyRequestSignature', () => {
  it('accepts hmac-sha256 and ed25519 signatures over the required components', () => {
    expect(verifiedNow(request({}))).toMatchObject({ ok: true });
    expect(verifiedNow(request({ keyid: 'e-1' }))).toMatchObject({
      ok: true,
      key: { id: 'cred_e' },
    });
  });

  it('answers GW_SIGNATURE_MISSING without Signature-Input', () => {
    const input = { ...request({}), signatureInput: undefined };
    expect(verifiedNow(input)).toMatchObject({
      ok: false,
      code: 'GW_SIGNATURE_MISSING',
    });
  });

  it('refuses a signature that does not cover a required component', () => {
    const outcome = verifiedNow(request({ components: ['@method', '@authority'] }));
    expect(outcome).toEqual({
      ok: false,
      code: 'GW_SIGNATURE_INVALID',
      detail: 'the signature must cover "@path"',
    });
  });

  it('counts @target-uri as covering @authority and @path', () => {
    const outcome = verifiedNow(request({ components: ['@method', '@target-uri'] }));
    expect(outcome).toMatchObject({ ok: true });
  });

  it('refuses a request whose method differs from the signed one', () => {
    const outcome = verifiedNow(request({ method: 'DELETE' }));
    expect(outcome).toMatchObject({ detail: 'the signature does not verify' });
  });

  it('refuses expired, too old and future signatures, within the skew', () => {
    const expired = request({ created: NOW_S - 100, expires: NOW_S - 31 });
    expect(verifiedNow(expired)).toMatchObject({
      detail: 'the signature has expired',
    });
    const withinSkew = request({ created: NOW_S - 100, expires: NOW_S - 29 });
    expect(verifiedNow(withinSkew)).toMatchObject({ ok: true });
    expect(verifiedNow(request({ created: NOW_S + 31 }))).toMatchObject({
      detail: "the signature was created in the future (check the signer's clock)",
    });
    expect(verifiedNow(request({ created: NOW_S - 331 }))).toMatchObject({
      detail: 'the signature is older than 300 s',
    });
  });

  it('refuses the same signature the second time (with and without a nonce)', () => {
    for (const nonce of ['replay-nonce', null]) {
      const once = request({ nonce });
      expect(verifiedNow(once)).toMatchObject({ ok: true });
      expect(verifyRequestSignature(once, POLICY, lookup, NOW_MS + 10)).toMatchObject({
        ok: false,
        detail: 'this signature was already used (replayed request)',
      });
    }
  });

  it('requires a nonce when the API says so', () => {
    const outcome = verifyRequestSignature(
      request({ nonce: null }),
      { ...POLICY, requireNonce: true },
      lookup,
      NOW_MS,
    );
    expect(outcome).toMatchObject({ detail: 'the signature has no nonce parameter' });
  });

  it('refuses unknown and expired keys, and algorithms the API does not accept', () => {
    expect(verifiedNow(request({ keyid: 'h-unknown' }))).toMatchObject({
      detail: 'the keyid is unknown or has been revoked',
    });
    expect(verifiedNow(request({ keyid: 'old-1' }))).toMatchObject({
      detail: 'the signing key has expired',
    });
    const edOnly = { ...POLICY, algorithms: new Set(['ed25519'] as const) };
    expect(verifyRequestSignature(request({}), edOnly, lookup, NOW_MS)).toMatchObject({
      detail: 'this API does not accept hmac-sha256 signatures',
    });
  });

  it('requires content-digest coverage for a body and hands the digest on for the stream check', () => {
    const uncovered = request({ body: '{"a":1}' });
    expect(verifiedNow(uncovered)).toMatchObject({
      detail: 'a request with a body must carry a Content-Digest the signature covers',
    });
    const covered = request({
      body: '{"a":1}',
      components: ['@method', '@authority', '@path', 'content-digest'],
    });
    const outcome = verifiedNow(covered);
    expect(outcome).toMatchObject({ ok: true, bodyDigest: { label: 'sha-256' } });
  });

  it('refuses a malformed Signature-Input with a reason', () => {
    const input = { ...request({}), signatureInput: 'sig1=("@method" created=1' };
    expect(verifiedNow(input)).toMatchObject({
      code: 'GW_SIGNATURE_INVALID',
      detail: expect.stringMatching(/^Signature-Input is malformed/),
    });
  });
});

describe('replay guard', () => {
  it('counts signatures forgotten before their window ends when it is full', async () => {
    const { ReplayGuard } = await import('./replay-guard');
    const guard = new ReplayGuard(2);
    expect(guard.firstUse('a', 10_000, 0)).toBe(true);
    expect(guard.firstUse('b', 10_000, 0)).toBe(true);
    expect(guard.firstUse('c', 10_000, 0)).toBe(true);
    expect(guard.size).toBe(2);
    expect(guard.evictedEarly).toBe(1);
    // Past its window an entry is dropped without counting, and may be used again.
    expect(guard.firstUse('b', 20_000, 11_000)).toBe(true);
    expect(guard.evictedEarly).toBe(1);
  });
});
