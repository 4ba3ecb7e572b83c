import { ZCredentialChange } from '@portico/config';
import { isPasswordHash, verifyPassword } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { createCredentialAsEditor } from './editor-calls';
import { apiHarnessForFile } from './file-harness';
import { databaseFingerprint, expectTrpcError, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

const basic = (username: string, password?: string) => ({
  kind: 'basic' as const,
  username,
  ...(password === undefined ? {} : { password }),
});

/** A fresh consumer with a basic credential for a unique username (from `base`), made by an editor. */
async function basicOnFreshConsumer(base: string, credential: { name: string; password: string }) {
  const consumer = await fx.consumer();
  const username = uniqueName(base);
  const issued = await createCredentialAsEditor(h, consumer.id, {
    name: credential.name,
    spec: basic(username, credential.password),
  });
  return { consumer, username, issued };
}

describe('consumer credentials', () => {
  it('stores a basic password only as a self-describing scrypt hash and logs it for gateways', async () => {
    const { username, issued } = await basicOnFreshConsumer('alice', {
      name: 'ci',
      password: 'correct horse battery',
    });
    expect(issued.secret).toBeNull();
    expect(issued.credential).toMatchObject({
      kind: 'basic',
      identifier: username,
      status: 'active',
    });
    expect(issued.credential.id).toMatch(/^cred_/);
    const row = await h.db.consumerCredential.findUniqueOrThrow({
      where: { id: issued.credential.id },
    });
    expect(row.secretHash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(isPasswordHash(row.secretHash ?? '')).toBe(true);
    expect(await verifyPassword(row.secretHash ?? '', 'correct horse battery')).toBe(true);
    expect(await verifyPassword(row.secretHash ?? '', 'wrong')).toBe(false);
    const logged = await h.db.credentialChange.findFirstOrThrow({
      where: { entityId: issued.credential.id },
    });
    const change = ZCredentialChange.parse({ ...(logged.payload as object), seq: 1 });
    expect(change).toMatchObject({
      type: 'credential.upsert',
      credential: { kind: 'basic', identifier: username, verifier: row.secretHash, matchBy: null },
    });
    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { targetId: issued.credential.id },
    });
    expect(audit.action).toBe('credential.create');
    expect(JSON.stringify(audit)).not.toContain('correct horse battery');
  });

  it('generates a password when none is given and returns it once', async () => {
    const consumer = await fx.consumer();
    const issued = await createCredentialAsEditor(h, consumer.id, {
      name: 'generated',
      spec: basic(uniqueName('bob')),
    });
    expect(issued.secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const listed = await h.as('viewer').credentials.list({ consumerId: consumer.id });
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(issued.secret ?? '');
    expect(listed[0]).not.toHaveProperty('secretHash');
  });

  it('refuses bad input with the field to fix and writes nothing', async () => {
    const consumer = await fx.consumer();
    const before = await databaseFingerprint(h.db);
    const cases = [
      { spec: basic('has:colon', 'long enough password'), message: 'spec.username' },
      { spec: basic(uniqueName('u'), 'short'), message: 'spec.password' },
      { spec: basic('', 'long enough password'), message: 'spec.username' },
    ];
    for (const { spec, message } of cases) {
      const error = await expectTrpcError(
        createCredentialAsEditor(h, consumer.id, { name: 'x', spec }),
        'BAD_REQUEST',
      );
      expect(error.message).toContain(message);
    }
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });

  it('refuses a username in use by a live credential, and allows it again once revoked', async () => {
    const {
      consumer,
      username,
      issued: first,
    } = await basicOnFreshConsumer('carol', {
      name: 'one',
      password: 'first long password',
    });
    const before = await databaseFingerprint(h.db);
    const error = await expectTrpcError(
      createCredentialAsEditor(h, (await fx.consumer()).id, {
        name: 'two',
        spec: basic(username, 'second long password'),
      }),
      'CONFLICT',
    );
    expect(error.message).toContain(
      `spec.username: a basic credential with username "${username}" already exists`,
    );
    expect(await databaseFingerprint(h.db)).not.toEqual(before); // the extra consumer fixture
    const revoked = await h.as('editor').credentials.revoke({ id: first.credential.id });
    expect(revoked.status).toBe('revoked');
    const again = await h.as('editor').credentials.revoke({ id: first.credential.id });
    expect(again.status).toBe('revoked');
    const changes = await h.db.credentialChange.findMany({
      where: { entityId: first.credential.id },
      orderBy: { seq: 'asc' },
    });
    expect(changes.map((c) => c.type)).toEqual(['credential.upsert', 'credential.delete']);
    const reused = await createCredentialAsEditor(h, consumer.id, {
      name: 'three',
      spec: basic(username, 'third long password'),
    });
    expect(reused.credential.identifier).toBe(username);
  });

  it('developers reach only their own consumers; the portal refuses a suspended app', async () => {
    const mine = await fx.consumer(h.users.developer.id);
    const theirs = await fx.consumer(h.users.otherDeveloper.id);
    await expectTrpcError(
      h.as('developer').credentials.create({
        consumerId: theirs.id,
        name: 'x',
        spec: basic(uniqueName('d'), 'long enough password'),
      }),
      'NOT_FOUND',
    );
    const issued = await h.as('developer').portal.credentials.create({
      appId: mine.id,
      name: 'laptop',
      spec: basic(uniqueName('dev')),
    });
    expect(issued.secret).not.toBeNull();
    const listed = await h.as('developer').portal.credentials.list({ appId: mine.id });
    expect(listed.map((c) => c.id)).toEqual([issued.credential.id]);
    await expectTrpcError(
      h.as('developer').portal.credentials.list({ appId: theirs.id }),
      'NOT_FOUND',
    );
    await expectTrpcError(
      h.as('otherDeveloper').portal.credentials.revoke({ id: issued.credential.id }),
      'NOT_FOUND',
    );
    const suspended = await fx.consumer(h.users.developer.id, 'suspended');
    await expectTrpcError(
      h.as('developer').portal.credentials.create({
        appId: suspended.id,
        name: 'x',
        spec: basic(uniqueName('s'), 'long enough password'),
      }),
      'PRECONDITION_FAILED',
    );
    const revoked = await h.as('developer').portal.credentials.revoke({ id: issued.credential.id });
    expect(revoked.status).toBe('revoked');
  });
});
