import { generateKeyPairSync, type KeyObject, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZCredentialChange } from '@portico/config';
import { issueClientCertificate, makeCertificateAuthority } from '@portico/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createCredentialAsEditor } from './editor-calls';
import { apiHarnessForFile } from './file-harness';
import { databaseFingerprint, expectTrpcError, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

const dir = mkdtempSync(join(tmpdir(), 'portico-signing-creds-'));
const ca = makeCertificateAuthority(dir, 'Credentials Test CA');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A key pair's public key as SPKI PEM, the form credentials upload. */
function publicPemOf(pair: { publicKey: KeyObject }): string {
  return pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** A client certificate for `subject` from a throw-away CA, valid now or over a past window. */
function certificate(subject: string, expired = false): string {
  return issueClientCertificate(dir, ca, subject, { expired }).certPem;
}

describe('signing keys and client certificates', () => {
  it('generates an hmac secret, returns it once and keeps it sealed at rest', async () => {
    const consumer = await fx.consumer();
    const issued = await createCredentialAsEditor(h, consumer.id, {
      name: 'signer',
      spec: { kind: 'hmac' },
    });
    expect(Buffer.from(issued.secret ?? '', 'base64')).toHaveLength(32);
    expect(issued.credential.identifier).toMatch(/^hk_/);
    const row = await h.db.consumerCredential.findUniqueOrThrow({
      where: { id: issued.credential.id },
    });
    expect(row.secretSealed).not.toBeNull();
    expect(row.secretSealed).not.toContain(issued.secret ?? '-');
    const listed = await h.as('viewer').credentials.list({ consumerId: consumer.id });
    expect(JSON.stringify(listed)).not.toContain(issued.secret ?? '-');
    const logged = await h.db.credentialChange.findFirstOrThrow({
      where: { entityId: issued.credential.id },
    });
    expect(JSON.stringify(logged.payload)).not.toContain(issued.secret ?? '-');
  });

  it('stores an uploaded ed25519 public key, keyid defaulting to its JWK thumbprint', async () => {
    const consumer = await fx.consumer();
    const pair = generateKeyPairSync('ed25519');
    const issued = await createCredentialAsEditor(h, consumer.id, {
      name: 'ed',
      spec: { kind: 'ed25519', publicKey: publicPemOf(pair) },
    });
    expect(issued.secret).toBeNull();
    expect(issued.credential.identifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const logged = await h.db.credentialChange.findFirstOrThrow({
      where: { entityId: issued.credential.id },
    });
    const change = ZCredentialChange.parse({ ...(logged.payload as object), seq: 1 });
    expect(change).toMatchObject({ type: 'credential.upsert', credential: { kind: 'ed25519' } });
  });

  it('refuses an RSA key as an ed25519 key, writing nothing', async () => {
    const consumer = await fx.consumer();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const before = await databaseFingerprint(h.db);
    const error = await expectTrpcError(
      createCredentialAsEditor(h, consumer.id, {
        name: 'rsa',
        spec: { kind: 'ed25519', publicKey: publicPemOf(rsa) },
      }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('spec.publicKey: an rsa key; upload an Ed25519 public key');
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });

  it('registers a certificate by its fingerprint, or by its subject in canonical form', async () => {
    const consumer = await fx.consumer();
    const cn = uniqueName('client');
    const pem = certificate(`/O=Acme/CN=${cn}`);
    const byFingerprint = await createCredentialAsEditor(h, consumer.id, {
      name: 'cert',
      spec: { kind: 'mtls', certificate: pem },
    });
    expect(byFingerprint.credential).toMatchObject({
      identifier: new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase(),
      matchBy: 'fingerprint',
    });
    const bySubject = await createCredentialAsEditor(h, consumer.id, {
      name: 'subject',
      spec: { kind: 'mtls', matchBy: 'subject', certificate: pem },
    });
    expect(bySubject.credential).toMatchObject({
      identifier: `O=Acme,CN=${cn}`,
      matchBy: 'subject',
    });
  });

  it("refuses an expired certificate and a fingerprint that is not the certificate's", async () => {
    const consumer = await fx.consumer();
    const before = await databaseFingerprint(h.db);
    const expired = await expectTrpcError(
      createCredentialAsEditor(h, consumer.id, {
        name: 'old',
        spec: { kind: 'mtls', certificate: certificate('/CN=old', true) },
      }),
      'BAD_REQUEST',
    );
    expect(expired.message).toMatch(
      /^spec\.certificate: expired on .*; upload a current certificate$/,
    );
    const mismatch = await expectTrpcError(
      createCredentialAsEditor(h, consumer.id, {
        name: 'mismatch',
        spec: { kind: 'mtls', certificate: certificate('/CN=x'), fingerprint: 'ab'.repeat(32) },
      }),
      'BAD_REQUEST',
    );
    expect(mismatch.message).toBe('spec.fingerprint: does not match the uploaded certificate');
    const nothing = await expectTrpcError(
      createCredentialAsEditor(h, consumer.id, { name: 'none', spec: { kind: 'mtls' } }),
      'BAD_REQUEST',
    );
    expect(nothing.message).toContain(
      'give the certificate or its SHA-256 fingerprint to match by fingerprint',
    );
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });
});
