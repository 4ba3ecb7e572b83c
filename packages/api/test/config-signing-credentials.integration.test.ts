import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { openSealed } from '../src/crypto/seal';
import { baseDocument, countRows, expectAppliedAlready, refusedApply } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

const h = await configHarnessForFile();

const ed = generateKeyPairSync('ed25519');
const publicPem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();
const FINGERPRINT = `${'AB:'.repeat(31)}CD`;

function documentWith(credentials: unknown[]) {
  const doc = baseDocument();
  return { ...doc, consumers: [{ name: 'acme', plans: ['free'], credentials }] };
}

describe('declarative ed25519 and mtls credentials', () => {
  it('creates them, and applying again or a dump changes nothing', async () => {
    const doc = documentWith([
      { kind: 'ed25519', name: 'signer', keyid: 'acme-signer-1', publicKey: publicPem },
      { kind: 'mtls', name: 'gateway-cert', fingerprint: FINGERPRINT },
      { kind: 'mtls', name: 'by-subject', subject: 'O = Acme, CN = billing' },
    ]);
    await h.as('editor').config.applyDocument({ document: doc, message: 'signing' });
    const rows = await h.db.consumerCredential.findMany({
      where: { consumer: { name: 'acme' }, revokedAt: null },
      orderBy: { identifier: 'asc' },
    });
    expect(rows.map((r) => [r.kind, r.identifier, r.matchBy])).toEqual([
      ['mtls', 'O=Acme,CN=billing', 'subject'],
      ['mtls', `${'ab'.repeat(31)}cd`, 'fingerprint'],
      ['ed25519', 'acme-signer-1', null],
    ]);
    await expectAppliedAlready(h, toYaml(doc));
    const dumped = await h.as('viewer').config.dump();
    const acme = dumped.consumers.find((c) => c.name === 'acme');
    expect(acme?.credentials).toContainEqual({
      kind: 'ed25519',
      name: 'signer',
      keyid: 'acme-signer-1',
      publicKey: publicPem,
    });
    expect(
      (await h.as('editor').config.applyDocument({ document: toYaml(dumped) })).changes,
    ).toEqual([]);
  });

  it('refuses a public key that is not Ed25519, naming the field, and writes nothing', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refusedApply(
      h,
      {
        document: documentWith([
          {
            kind: 'ed25519',
            keyid: 'rsa-key',
            publicKey: rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          },
        ]),
      },
      {
        code: 'BAD_REQUEST',
        message: 'consumers.0.credentials.0.publicKey: an rsa key; upload an Ed25519 public key',
      },
    );
  });

  it('refuses an mtls credential with both a fingerprint and a subject', async () => {
    const error = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([{ kind: 'mtls', fingerprint: FINGERPRINT, subject: 'CN=x' }]),
      }),
    );
    expect(error.message).toContain('give exactly one of fingerprint and subject');
  });
});

describe('declarative hmac signing keys', () => {
  const secret = randomBytes(32).toString('base64');
  const row = () =>
    h.db.consumerCredential.findFirstOrThrow({
      where: { kind: 'hmac', identifier: 'acme-hmac-1', revokedAt: null },
    });

  it('seals the secret the CLI sends, keeps it when the file gives none, and never dumps it', async () => {
    const doc = documentWith([{ kind: 'hmac', keyid: 'acme-hmac-1', secret }]);
    await h.as('editor').config.applyDocument({ document: doc });
    const sealed = (await row()).secretSealed ?? '';
    expect(openSealed(h.secretKey, sealed)).toBe(secret);
    expect((await h.as('editor').config.applyDocument({ document: doc })).changes).toEqual([]);
    expect((await row()).secretSealed).toBe(sealed);
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.consumers.find((c) => c.name === 'acme')?.credentials).toEqual([
      { kind: 'hmac', name: 'default', keyid: 'acme-hmac-1' },
    ]);
    expect(JSON.stringify(dumped)).not.toContain(secret);
    const fromDump = await h.as('editor').config.applyDocument({ document: toYaml(dumped) });
    expect(fromDump.changes).toEqual([]);
    expect((await row()).secretSealed).toBe(sealed);
  });

  it('replaces the secret when the file gives another one', async () => {
    const rotated = randomBytes(32).toString('base64');
    const applied = await h.as('editor').config.applyDocument({
      document: documentWith([{ kind: 'hmac', keyid: 'acme-hmac-1', secret: rotated }]),
    });
    expect(applied.changes).toEqual([{ kind: 'consumer', name: 'acme', action: 'update' }]);
    expect(openSealed(h.secretKey, (await row()).secretSealed ?? '')).toBe(rotated);
  });

  it('refuses a new key without a secret, secretEnv sent to the server, and a short secret', async () => {
    const before = await countRows(h.db);
    const missing = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([{ kind: 'hmac', keyid: 'acme-hmac-new' }]),
      }),
    );
    expect(missing.message).toContain(
      'consumers.0.credentials.0.secretEnv: a new hmac credential needs its secret',
    );
    const env = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([{ kind: 'hmac', keyid: 'acme-hmac-1', secretEnv: 'ACME_HMAC' }]),
      }),
    );
    expect(env.message).toContain(
      'consumers.0.credentials.0.secretEnv: the CLI reads secretEnv and sends the secret',
    );
    const short = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([
          { kind: 'hmac', keyid: 'acme-hmac-1', secret: randomBytes(16).toString('base64') },
        ]),
      }),
    );
    expect(short.message).toContain('must be 32 to 512 bytes (base64)');
    expect(await countRows(h.db)).toEqual(before);
  });
});
