import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { baseDocument, type ConfigHarness, countRows } from './config-harness';
import { withConfigHarness } from './file-harness';
import { trpcErrorOf } from './harness';

let h: ConfigHarness;
withConfigHarness((harness) => {
  h = harness;
});

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
    const before = await countRows(h.db);
    const again = await h.as('editor').config.applyDocument({ document: toYaml(doc) });
    expect(again).toMatchObject({ changes: [], published: null });
    expect(await countRows(h.db)).toEqual(before);
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
    const before = await countRows(h.db);
    const error = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([
          {
            kind: 'ed25519',
            keyid: 'rsa-key',
            publicKey: rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
          },
        ]),
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain(
      'consumers.0.credentials.0.publicKey: an rsa key; upload an Ed25519 public key',
    );
    expect(await countRows(h.db)).toEqual(before);
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
