import { createHmac, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import type { GatewayErrorCode } from '../../errors/gateway-errors';
import { authMetrics } from '../auth-metrics';
import { digestMatches, type ExpectedDigest, parseContentDigest } from './content-digest';
import { ReplayGuard } from './replay-guard';
import { type SignedRequest, signatureBase } from './signature-base';
import { type ParsedSignature, parseSignature } from './signature-input';
import {
  missingComponent,
  type SignatureAlgorithm,
  type SignaturePolicy,
} from './signature-policy';

/** The key a `keyid` names, as the credential table delivers it. */
export interface VerificationKey {
  readonly id: string;
  readonly consumerId: string;
  readonly algorithm: SignatureAlgorithm;
  /** HMAC: the shared secret's bytes; Ed25519: the public key. */
  readonly key: Buffer | KeyObject;
  readonly expiresAtMs: number | null;
}

export type KeyLookup = (keyid: string, alg: SignatureAlgorithm | null) => VerificationKey | null;

export interface SignatureInput extends SignedRequest {
  readonly signatureInput: string | undefined;
  readonly signature: string | undefined;
  /** The request carries a body (declared length above zero, or streamed). */
  readonly hasBody: boolean;
}

export type SignatureOutcome =
  | {
      ok: true;
      key: VerificationKey;
      /** The digest the streamed body must match, checked as it is forwarded; null: none to check. */
      bodyDigest: ExpectedDigest | null;
    }
  | { ok: false; code: GatewayErrorCode; detail: string };

/** One per process; 200k entries of a few dozen bytes each stay within tens of megabytes. */
export const replayGuard = new ReplayGuard(200_000);

const ALGORITHMS: ReadonlySet<string> = new Set(['hmac-sha256', 'ed25519']);
const EMPTY = Buffer.alloc(0);

function refuse(detail: string, code: GatewayErrorCode = 'GW_SIGNATURE_INVALID') {
  return { ok: false as const, code, detail };
}

function verifies(key: VerificationKey, base: string, signature: Buffer): boolean {
  if (key.algorithm === 'hmac-sha256') {
    const mac = createHmac('sha256', key.key as Buffer)
      .update(base)
      .digest();
    return mac.length === signature.length && timingSafeEqual(mac, signature);
  }
  return (
    signature.length === 64 && verify(null, Buffer.from(base), key.key as KeyObject, signature)
  );
}

function timeProblem(sig: ParsedSignature, policy: SignaturePolicy, nowS: number): string | null {
  if (sig.created === null) return 'the signature has no created parameter';
  if (sig.created > nowS + policy.clockSkewSeconds)
    return "the signature was created in the future (check the signer's clock)";
  if (sig.created < nowS - policy.maxAgeSeconds - policy.clockSkewSeconds)
    return `the signature is older than ${policy.maxAgeSeconds} s`;
  if (sig.expires !== null && sig.expires < nowS - policy.clockSkewSeconds)
    return 'the signature has expired';
  return null;
}

/**
 * Verifies a request's HTTP Message Signature (RFC 9421) against an API's policy: the
 * signature parses, covers what the API requires (and content-digest when there is a body),
 * is fresh (created/expires with skew), names a known key of an accepted algorithm, verifies,
 * and was not seen before within its validity window. The body's digest itself is checked as
 * it streams (see DigestCheck); an empty body is checked here.
 */
export function verifyRequestSignature(
  input: SignatureInput,
  policy: SignaturePolicy,
  lookup: KeyLookup,
  nowMs: number,
): SignatureOutcome {
  if (input.signatureInput === undefined || input.signature === undefined)
    return refuse(
      'sign the request (RFC 9421): send Signature-Input and Signature headers',
      'GW_SIGNATURE_MISSING',
    );
  const parsed = parseSignature(input.signatureInput, input.signature, policy.label);
  if (!parsed.ok) return refuse(parsed.detail);
  const sig = parsed.value;
  const covered = new Set<string>();
  for (const c of sig.components) covered.add(c.id);
  const missing = missingComponent(policy, covered);
  if (missing !== null) return refuse(`the signature must cover ${missing}`);
  const digestCovered = covered.has('"content-digest"');
  if (policy.requireContentDigest && input.hasBody && !digestCovered)
    return refuse('a request with a body must carry a Content-Digest the signature covers');
  if (policy.requireNonce && sig.nonce === null)
    return refuse('the signature has no nonce parameter');
  if (sig.alg !== null && !ALGORITHMS.has(sig.alg))
    return refuse(`the algorithm "${sig.alg}" is not supported (hmac-sha256, ed25519)`);
  const alg = sig.alg as SignatureAlgorithm | null;
  if (alg !== null && !policy.algorithms.has(alg))
    return refuse(`this API does not accept ${alg} signatures`);
  const nowS = Math.floor(nowMs / 1000);
  const late = timeProblem(sig, policy, nowS);
  if (late !== null) return refuse(late);
  if (sig.keyid === null) return refuse('the signature has no keyid parameter');
  const key = lookup(sig.keyid, alg);
  if (key === null || !policy.algorithms.has(key.algorithm))
    return refuse('the keyid is unknown or has been revoked');
  if (key.expiresAtMs !== null && key.expiresAtMs <= nowMs)
    return refuse('the signing key has expired');
  const base = signatureBase(sig, input);
  if (!base.ok) return refuse(base.detail);
  if (!verifies(key, base.base, sig.signature)) return refuse('the signature does not verify');

  let bodyDigest: ExpectedDigest | null = null;
  if (digestCovered) {
    const field = parseContentDigest(contentDigestOf(input.rawHeaders));
    if (!field.ok) return refuse(field.detail);
    if (input.hasBody) bodyDigest = field.digest;
    else if (!digestMatches(EMPTY, field.digest))
      return refuse('the empty body does not match its Content-Digest', 'GW_DIGEST_MISMATCH');
  }
  // Remembered only once verified, so forged requests cannot use up a real signer's nonces.
  const windowEndS = Math.min(
    sig.expires ?? Number.POSITIVE_INFINITY,
    (sig.created as number) + policy.maxAgeSeconds,
  );
  const replayKey =
    sig.nonce === null ? sig.signature.toString('base64') : `${key.id}\n${sig.nonce}`;
  const evictedBefore = replayGuard.evictedEarly;
  const first = replayGuard.firstUse(
    replayKey,
    (windowEndS + policy.clockSkewSeconds) * 1000,
    nowMs,
  );
  authMetrics.replayGuardEvictions += replayGuard.evictedEarly - evictedBefore;
  if (!first) {
    authMetrics.signatureReplays++;
    return refuse('this signature was already used (replayed request)');
  }
  return { ok: true, key, bodyDigest };
}

function contentDigestOf(rawHeaders: readonly string[]): string {
  let value = '';
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'content-digest') continue;
    value = value.length === 0 ? (rawHeaders[i + 1] as string) : `${value}, ${rawHeaders[i + 1]}`;
  }
  return value;
}
