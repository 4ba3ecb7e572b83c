import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DigestCheck, DigestMismatchError, parseContentDigest } from './content-digest';

function digestOf(chunks: string[]) {
  const value = createHash('sha256').update(chunks.join('')).digest();
  return { algorithm: 'sha256', label: 'sha-256', value } as const;
}

async function run(chunks: string[], expected: ReturnType<typeof digestOf>) {
  const seen: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      seen.push(chunk.toString());
      done();
    },
  });
  const error = await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c))),
    new DigestCheck(expected),
    sink,
  ).then(
    () => null,
    (e: unknown) => e,
  );
  return { seen, error };
}

describe('DigestCheck', () => {
  it('passes every byte through when the digest matches', async () => {
    const chunks = ['ab', 'cd', 'ef'];
    const { seen, error } = await run(chunks, digestOf(chunks));
    expect(error).toBeNull();
    expect(seen.join('')).toBe('abcdef');
  });

  it('fails without releasing the last chunk when the digest does not match', async () => {
    const { seen, error } = await run(['ab', 'cd', 'ef'], digestOf(['ab', 'cd', 'eX']));
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(seen.join('')).toBe('abcd');
  });
});

describe('parseContentDigest', () => {
  it('prefers sha-512 and ignores unknown algorithms', () => {
    const sha512 = createHash('sha512').update('x').digest('base64');
    const sha256 = createHash('sha256').update('x').digest('base64');
    const parsed = parseContentDigest(`md5=:AAAA:, sha-256=:${sha256}:, sha-512=:${sha512}:`);
    expect(parsed).toMatchObject({ ok: true, digest: { label: 'sha-512' } });
  });

  it('refuses a digest of the wrong length or only unknown algorithms', () => {
    expect(parseContentDigest('sha-256=:AAAA:')).toEqual({
      ok: false,
      detail: 'Content-Digest sha-256 has the wrong length',
    });
    expect(parseContentDigest('md5=:AAAA:')).toEqual({
      ok: false,
      detail: 'Content-Digest carries neither sha-256 nor sha-512',
    });
  });
});
