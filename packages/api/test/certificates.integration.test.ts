import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CertificatePair, makeCertificatePair } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSealed } from '../src/crypto/seal';
import { loadPublishedConfig } from '../src/sync/sync-answer';
import { apiHarnessForFile } from './file-harness';
import { type CallerName, databaseFingerprint, expectTrpcError, uniqueName } from './harness';

type Pair = CertificatePair;

const { h } = await apiHarnessForFile();
let dir: string;
let pairA: Pair;
let pairOther: Pair;

/** A throw-away self-signed certificate (valid one day) from the test kit's openssl helper. */
function makePair(cn: string, sans: string): Pair {
  return makeCertificatePair(dir, cn, sans);
}

/** The harness fingerprint plus the certificates and audit tables. */
async function everything(): Promise<Record<string, string>> {
  const rows = await h.db.$queryRawUnsafe<{ c: string; a: string }[]>(
    `SELECT (SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM certificates x) AS c,
            (SELECT count(*)::text FROM audit_log) AS a`,
  );
  return {
    ...(await databaseFingerprint(h.db)),
    certificates: rows[0]?.c ?? '',
    audit: rows[0]?.a ?? '',
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-certs-'));
  pairA = makePair('a.test', 'DNS:a.test,DNS:*.wild.test');
  pairOther = makePair('other.test', 'DNS:other.test');
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe('certificates: create, rotate, delete', () => {
  it('stores the key sealed, lists without it, and audits the creation', async () => {
    const name = uniqueName('crt');
    const created = await h.as('admin').certificates.create({
      name,
      hosts: ['a.test', 'x.wild.test', '*.wild.test'],
      ...pairA,
    });
    expect(created.id).toMatch(/^crt_/);
    expect(created.notAfter.getTime()).toBeGreaterThan(Date.now());
    const row = await h.db.certificate.findUniqueOrThrow({ where: { name } });
    expect(row.keySealed).not.toContain('PRIVATE KEY');
    expect(openSealed(h.secretKey, row.keySealed)).toBe(pairA.keyPem.trim());
    const listed = await h.as('viewer').certificates.list();
    expect(listed.map((c) => c.name)).toContain(name);
    expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { action: 'certificate.create', targetId: created.id },
    });
    expect(JSON.stringify(audit)).not.toContain('PRIVATE KEY');
    await h.as('admin').certificates.delete({ name });
  });

  it('rotation replaces certificate and key; delete removes the row; both audited', async () => {
    const name = uniqueName('crt');
    const created = await h.as('admin').certificates.create({ name, hosts: ['a.test'], ...pairA });
    const rotatedPair = makePair('a.test', 'DNS:a.test');
    const rotated = await h
      .as('admin')
      .certificates.update({ name, certPem: rotatedPair.certPem, keyPem: rotatedPair.keyPem });
    expect(rotated.keyFingerprint).not.toBe(created.keyFingerprint);
    expect(rotated.certPem).toBe(rotatedPair.certPem.trim());
    const row = await h.db.certificate.findUniqueOrThrow({ where: { name } });
    expect(openSealed(h.secretKey, row.keySealed)).toBe(rotatedPair.keyPem.trim());
    await h.as('admin').certificates.delete({ name });
    expect(await h.db.certificate.findUnique({ where: { name } })).toBeNull();
    const actions = await h.db.auditLog.findMany({
      where: { targetId: created.id },
      orderBy: { createdAt: 'asc' },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      'certificate.create',
      'certificate.update',
      'certificate.delete',
    ]);
  });

  it('only admins and owners manage certificates; refused calls write nothing', async () => {
    const name = uniqueName('crt');
    const before = await everything();
    for (const [who, code] of [
      ['editor', 'FORBIDDEN'],
      ['viewer', 'FORBIDDEN'],
      ['developer', 'FORBIDDEN'],
      ['anonymous', 'UNAUTHORIZED'],
    ] as const satisfies readonly (readonly [CallerName, string])[]) {
      await expectTrpcError(
        h.as(who).certificates.create({ name, hosts: ['a.test'], ...pairA }),
        code,
      );
    }
    expect(await everything()).toEqual(before);
  });
});

describe('certificates: bad input is refused naming the field, writing nothing', () => {
  const cases: [string, () => { hosts: string[]; certPem: string; keyPem: string }, string][] = [
    [
      'a key that is not the certificate’s',
      () => ({ hosts: ['a.test'], certPem: pairA.certPem, keyPem: pairOther.keyPem }),
      'keyPem:',
    ],
    ['hosts outside the SAN', () => ({ hosts: ['a.test', 'b.test'], ...pairA }), 'hosts: b.test'],
    [
      'a wildcard covering two labels',
      () => ({ hosts: ['x.y.wild.test'], ...pairA }),
      'hosts: x.y.wild.test',
    ],
    [
      'a garbage certificate',
      () => ({ hosts: ['a.test'], certPem: 'not a certificate', keyPem: pairA.keyPem }),
      'certPem:',
    ],
    [
      'a garbage key',
      () => ({
        hosts: ['a.test'],
        certPem: pairA.certPem,
        keyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
      }),
      'keyPem:',
    ],
  ];
  for (const [what, input, field] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await everything();
      const error = await expectTrpcError(
        h.as('admin').certificates.create({ name: uniqueName('crt'), ...input() }),
        'BAD_REQUEST',
      );
      expect(error.message).toContain(field);
      expect(await everything()).toEqual(before);
    });
  }

  it('refuses an expired certificate', async () => {
    const before = await everything();
    const later = h.as('admin', { now: () => new Date(Date.now() + 30 * 86_400_000) });
    const error = await expectTrpcError(
      later.certificates.create({ name: uniqueName('crt'), hosts: ['a.test'], ...pairA }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/^certPem: the certificate expired/);
    expect(await everything()).toEqual(before);
  });

  it('refuses a rotation whose key does not match, keeping the stored pair', async () => {
    const name = uniqueName('crt');
    await h.as('admin').certificates.create({ name, hosts: ['a.test'], ...pairA });
    const before = await everything();
    const error = await expectTrpcError(
      h.as('admin').certificates.update({ name, certPem: pairA.certPem, keyPem: pairOther.keyPem }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('keyPem:');
    await expectTrpcError(
      h.as('admin').certificates.update({ name, certPem: pairA.certPem }),
      'BAD_REQUEST',
    );
    expect(await everything()).toEqual(before);
    await h.as('admin').certificates.delete({ name });
  });

  it('refuses a duplicate name with CONFLICT naming the field', async () => {
    const name = uniqueName('crt');
    await h.as('admin').certificates.create({ name, hosts: ['a.test'], ...pairA });
    const before = await everything();
    const error = await expectTrpcError(
      h.as('admin').certificates.create({ name, hosts: ['a.test'], ...pairA }),
      'CONFLICT',
    );
    expect(error.message).toMatch(/^name:/);
    expect(await everything()).toEqual(before);
    await h.as('admin').certificates.delete({ name });
  });
});

describe('certificates: publishing and sync', () => {
  it('a published version carries the certificate without its key; the sync answer carries the key in secrets', async () => {
    const name = uniqueName('crt');
    const created = await h.as('admin').certificates.create({ name, hosts: ['a.test'], ...pairA });
    const first = await h.as('editor').config.publish({ message: 'tls' });
    const stored = await h.db.configVersion.findUniqueOrThrow({ where: { number: first.number } });
    expect(JSON.stringify(stored.snapshot)).not.toContain('PRIVATE KEY');
    const config = await loadPublishedConfig({ db: h.db, secretKey: h.secretKey }, first.number);
    expect(config?.snapshot.certificates).toEqual([
      {
        id: created.id,
        name,
        hosts: ['a.test'],
        certPem: pairA.certPem.trim(),
        keyFingerprint: created.keyFingerprint,
      },
    ]);
    expect(JSON.stringify(config?.snapshot)).not.toContain('PRIVATE KEY');
    expect(config?.secrets.tlsKeys).toEqual({ [created.id]: pairA.keyPem.trim() });

    // A rotation changes the draft (keyFingerprint), so the next publish makes a new version.
    const rotatedPair = makePair('a.test', 'DNS:a.test');
    await h.as('admin').certificates.update({ name, ...rotatedPair });
    const second = await h.as('editor').config.publish({ message: 'rotate' });
    expect(second.number).toBe(first.number + 1);
    const next = await loadPublishedConfig({ db: h.db, secretKey: h.secretKey }, second.number);
    expect(next?.secrets.tlsKeys).toEqual({ [created.id]: rotatedPair.keyPem.trim() });
    await h.as('admin').certificates.delete({ name });
  });
});
