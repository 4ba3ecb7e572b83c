import { createHash, type Hash, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { authMetrics } from '../auth-metrics';
import { isInnerList, parseDictionary } from './structured-fields';

/** The digest a request's body must have (RFC 9530 Content-Digest), strongest algorithm chosen. */
export interface ExpectedDigest {
  readonly algorithm: 'sha256' | 'sha512';
  readonly label: 'sha-256' | 'sha-512';
  readonly value: Buffer;
}

export type DigestParse = { ok: true; digest: ExpectedDigest } | { ok: false; detail: string };

const LENGTHS = { sha256: 32, sha512: 64 } as const;

/** Reads Content-Digest; sha-512 is preferred over sha-256, other algorithms are ignored. */
export function parseContentDigest(field: string): DigestParse {
  let dict: ReturnType<typeof parseDictionary>;
  try {
    dict = parseDictionary(field);
  } catch (error) {
    return { ok: false, detail: `Content-Digest is malformed: ${(error as Error).message}` };
  }
  for (const [label, algorithm] of [
    ['sha-512', 'sha512'],
    ['sha-256', 'sha256'],
  ] as const) {
    const member = dict.get(label);
    if (member === undefined) continue;
    if (isInnerList(member) || !(member.value instanceof Uint8Array))
      return { ok: false, detail: `Content-Digest ${label} must be a byte sequence` };
    const value = Buffer.from(
      member.value.buffer,
      member.value.byteOffset,
      member.value.byteLength,
    );
    if (value.length !== LENGTHS[algorithm])
      return { ok: false, detail: `Content-Digest ${label} has the wrong length` };
    return { ok: true, digest: { algorithm, label, value } };
  }
  return { ok: false, detail: 'Content-Digest carries neither sha-256 nor sha-512' };
}

function matches(hash: Hash, expected: ExpectedDigest): boolean {
  return timingSafeEqual(hash.digest(), expected.value);
}

/** Whether a body held whole (or the empty body) has the expected digest. */
export function digestMatches(body: Buffer, expected: ExpectedDigest): boolean {
  const ok = matches(createHash(expected.algorithm).update(body), expected);
  if (!ok) authMetrics.digestMismatches++;
  return ok;
}

export class DigestMismatchError extends Error {
  constructor(readonly label: string) {
    super(`the request body does not match its Content-Digest (${label})`);
  }
}

/** True when an upstream attempt failed because the streamed body did not match its digest. */
export function isDigestMismatch(error: Error): boolean {
  return (
    error instanceof DigestMismatchError ||
    (error as { cause?: unknown }).cause instanceof DigestMismatchError
  );
}

/**
 * Hashes a body as it streams to the upstream and always holds back the latest chunk: only
 * when the digest matches at the end is that last chunk released. On a mismatch the stream
 * fails instead, so the upstream request is aborted one chunk short of complete and the
 * upstream never sees a whole request with a body the client did not sign. Memory stays at one
 * chunk whatever the body's size.
 */
export class DigestCheck extends Transform {
  readonly #hash: Hash;
  #held: Buffer | null = null;

  constructor(readonly expected: ExpectedDigest) {
    super();
    this.#hash = createHash(expected.algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    const previous = this.#held;
    this.#held = chunk;
    if (previous === null) callback();
    else callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    if (!matches(this.#hash, this.expected)) {
      authMetrics.digestMismatches++;
      this.#held = null;
      callback(new DigestMismatchError(this.expected.label));
      return;
    }
    const last = this.#held;
    this.#held = null;
    callback(null, last);
  }
}
