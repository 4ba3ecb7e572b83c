import { hashSecret, isWellFormedSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { openSealed } from '../src/crypto/seal';
import type { RegistryProbe } from '../src/services/registries/registry-probe';
import { createConsulAsEditor } from './editor-calls';
import { apiHarnessForFile } from './file-harness';
import { databaseFingerprint, expectTrpcError, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

/** Every stored text of the database, to prove a secret appears nowhere in it. */
async function wholeDatabaseText(): Promise<string> {
  const rows = await h.db.$queryRawUnsafe<{ dump: string }[]>(
    `SELECT string_agg(t::text, '\n') AS dump FROM (
       SELECT row_to_json(x)::text AS t FROM api_keys x UNION ALL
       SELECT row_to_json(x)::text FROM audit_log x UNION ALL
       SELECT row_to_json(x)::text FROM credential_changes x UNION ALL
       SELECT row_to_json(x)::text FROM registry_connections x UNION ALL
       SELECT row_to_json(x)::text FROM personal_access_tokens x UNION ALL
       SELECT row_to_json(x)::text FROM machine_tokens x UNION ALL
       SELECT row_to_json(x)::text FROM invites x) all_rows`,
  );
  return rows[0]?.dump ?? '';
}

describe('API keys', () => {
  it('the clear key is returned once; only its hash and public start are stored', async () => {
    const consumer = await fx.consumer();
    const { key, clear } = await h
      .as('editor')
      .keys.create({ consumerId: consumer.id, name: 'prod' });
    expect(isWellFormedSecret('apiKey', clear)).toBe(true);
    expect(clear.startsWith(key.start)).toBe(true);
    expect(key.start).toMatch(/^pk_.{8}$/);
    const row = await h.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.hash).toBe(hashSecret(clear));
    expect(await wholeDatabaseText()).not.toContain(clear);
    const listed = await h.as('viewer').keys.list({ consumerId: consumer.id });
    expect(JSON.stringify(listed)).not.toContain(clear);
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('clear');
    expect(listed[0]).not.toHaveProperty('hash');
  });

  it('creation, rotation and revocation each append to the credential change log', async () => {
    const consumer = await fx.consumer();
    const seqBefore = await h.db.credentialChange.count();
    const { key } = await h.as('editor').keys.create({ consumerId: consumer.id });
    const rotated = await h.as('editor').keys.rotate({ id: key.id });
    await h.as('editor').keys.revoke({ id: rotated.key.id });
    const changes = await h.db.credentialChange.findMany({
      where: { entityId: { in: [key.id, rotated.key.id] } },
      orderBy: { seq: 'asc' },
    });
    expect(changes.map((c) => [c.entityId, c.type])).toEqual([
      [key.id, 'key.upsert'],
      [key.id, 'key.delete'],
      [rotated.key.id, 'key.upsert'],
      [rotated.key.id, 'key.delete'],
    ]);
    expect(await h.db.credentialChange.count()).toBe(seqBefore + 4);
  });

  it('rotation with a grace period keeps the old key working until then, and issues a new clear key', async () => {
    const consumer = await fx.consumer();
    const now = new Date('2030-01-01T00:00:00Z');
    const caller = h.as('editor', { now: () => now });
    const { key, clear } = await caller.keys.create({ consumerId: consumer.id });
    const rotated = await caller.keys.rotate({ id: key.id, gracePeriodSeconds: 3600 });
    expect(rotated.clear).not.toBe(clear);
    expect(rotated.key.rotatedFrom).toBe(key.id);
    expect(rotated.previous.status).toBe('active');
    expect(rotated.previous.expiresAt).toEqual(new Date('2030-01-01T01:00:00Z'));
    // A rotated-away key that already expired cannot be rotated again.
    const later = h.as('editor', { now: () => new Date('2030-01-01T02:00:00Z') });
    await expectTrpcError(later.keys.rotate({ id: key.id }), 'PRECONDITION_FAILED');
  });

  it('revoking twice changes nothing the second time', async () => {
    const { row } = await fx.key((await fx.consumer()).id);
    const first = await h.as('editor').keys.revoke({ id: row.id });
    const before = await databaseFingerprint(h.db);
    const second = await h.as('editor').keys.revoke({ id: row.id });
    expect(second.revokedAt).toEqual(first.revokedAt);
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });
});

describe('credential change log', () => {
  it('consumer suspension, subscription changes and consumer deletion reach the log without a publish', async () => {
    const consumer = await fx.consumer();
    const plan = await fx.plan();
    const key = await fx.key(consumer.id);
    const editor = h.as('editor');
    const sub = await editor.subscriptions.create({ consumerId: consumer.id, planId: plan.id });
    await editor.consumers.suspend({ id: consumer.id });
    await editor.subscriptions.cancel({ id: sub.id });
    await editor.consumers.delete({ id: consumer.id });
    const changes = await h.db.credentialChange.findMany({
      where: { entityId: { in: [consumer.id, sub.id, key.row.id] } },
      orderBy: { seq: 'asc' },
    });
    expect(changes.map((c) => c.type)).toEqual([
      'subscription.upsert',
      'consumer.upsert',
      'subscription.delete',
      'key.delete',
      'subscription.delete',
      'consumer.delete',
    ]);
    expect(changes[1]?.payload).toMatchObject({
      consumer: { id: consumer.id, status: 'suspended' },
    });
  });
});

describe('registry credentials', () => {
  it('are sealed with AES-256-GCM, never returned, and only their presence shows', async () => {
    const secret = `s3cret-${uniqueName('pw')}`;
    const created = await createConsulAsEditor(h, { credentials: { token: secret } });
    expect(created.hasCredentials).toBe(true);
    expect(JSON.stringify(created)).not.toContain(secret);
    expect(JSON.stringify(await h.as('viewer').registries.get({ id: created.id }))).not.toContain(
      secret,
    );
    expect(await wholeDatabaseText()).not.toContain(secret);
    const row = await h.db.registryConnection.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.parse(openSealed(h.secretKey, row.credentialsSealed ?? ''))).toEqual({
      token: secret,
    });

    const cleared = await h.as('editor').registries.update({ id: created.id, credentials: null });
    expect(cleared.hasCredentials).toBe(false);
  });

  it('a sealed value opened with another key fails instead of returning garbage', async () => {
    const created = await h.as('editor').registries.create({
      name: uniqueName('etcd'),
      type: 'etcd',
      credentials: { password: 'pw' },
    });
    const row = await h.db.registryConnection.findUniqueOrThrow({ where: { id: created.id } });
    expect(() => openSealed(Buffer.alloc(32, 7), row.credentialsSealed ?? '')).toThrow();
  });

  it('registries.test lists services through the probe, handing it the opened credentials', async () => {
    const created = await createConsulAsEditor(h, {
      options: { datacenter: 'dc1' },
      credentials: { token: 'acl-token' },
    });
    const seen: unknown[] = [];
    const probe: RegistryProbe = async (registry, secrets) => {
      seen.push({ registry, secrets });
      return { services: ['orders', 'payments'] };
    };
    const result = await h
      .as('editor', { probeRegistry: probe })
      .registries.test({ id: created.id });
    expect(seen).toEqual([
      {
        registry: {
          id: created.id,
          name: created.name,
          type: 'consul',
          address: 'http://127.0.0.1:8500',
          options: { datacenter: 'dc1' },
          hasCredentials: true,
        },
        secrets: { token: 'acl-token' },
      },
    ]);
    expect(result).toMatchObject({
      ok: true,
      services: ['orders', 'payments'],
      registry: { lastStatus: 'ok: 2 service(s) listed', lastError: null },
    });

    const failing: RegistryProbe = async () => {
      throw new Error('ACL not found');
    };
    const failed = await h
      .as('editor', { probeRegistry: failing })
      .registries.test({ id: created.id });
    expect(failed).toMatchObject({
      ok: false,
      services: null,
      registry: { lastStatus: 'failed', lastError: 'ACL not found' },
    });
  });

  it('registries.test records an unreachable registry without failing the call', async () => {
    const registry = await fx.registry();
    const result = await h.as('editor').registries.test({ id: registry.id });
    expect(result.ok).toBe(false);
    expect(result.registry.lastStatus).toBe('unreachable');
    expect(result.registry.lastError).toContain('127.0.0.1:1');
  });
});

describe('tokens', () => {
  it('personal and machine tokens are shown once and stored as hashes', async () => {
    const personal = await h
      .as('viewer')
      .tokens.createPersonal({ name: 'laptop', expiresInDays: 30 });
    expect(isWellFormedSecret('personalToken', personal.token)).toBe(true);
    const dataplane = await h
      .as('admin')
      .tokens.createMachine({ kind: 'dataplane', name: 'edge-1' });
    expect(isWellFormedSecret('dataPlaneToken', dataplane.token)).toBe(true);
    expect(dataplane.record.scopes).toEqual([]);
    const registry = await h
      .as('admin')
      .tokens.createMachine({ kind: 'registry', name: 'payments' });
    expect(isWellFormedSecret('registryToken', registry.token)).toBe(true);
    expect(registry.record.scopes).toEqual(['register', 'read']);
    const text = await wholeDatabaseText();
    for (const token of [personal.token, dataplane.token, registry.token])
      expect(text).not.toContain(token);
    expect(
      (await h.db.machineToken.findUniqueOrThrow({ where: { id: dataplane.record.id } })).hash,
    ).toBe(hashSecret(dataplane.token));
  });

  it('data-plane tokens carry no scopes', async () => {
    const error = await expectTrpcError(
      h.as('admin').tokens.createMachine({ kind: 'dataplane', name: 'x', scopes: ['read'] }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('scopes: only registry tokens carry scopes');
  });

  it("someone else's personal token is not found, and stays live", async () => {
    const { row } = await fx.personalToken(h.users.admin.id);
    await expectTrpcError(h.as('viewer').tokens.revokePersonal({ id: row.id }), 'NOT_FOUND');
    expect(
      (await h.db.personalAccessToken.findUniqueOrThrow({ where: { id: row.id } })).revokedAt,
    ).toBeNull();
  });
});

describe('developers reach only what they own', () => {
  it("another developer's consumer, keys and subscriptions are invisible and untouchable", async () => {
    const mine = await fx.consumer(h.users.developer.id);
    const theirs = await fx.consumer(h.users.otherDeveloper.id);
    const theirKey = await fx.key(theirs.id);
    const plan = await fx.plan();
    const theirSub = await fx.subscription(theirs.id, plan.id);
    const dev = h.as('developer');

    const listed = await dev.consumers.list();
    expect(listed.map((c) => c.id)).toContain(mine.id);
    expect(listed.map((c) => c.id)).not.toContain(theirs.id);
    expect((await dev.keys.list()).map((k) => k.id)).not.toContain(theirKey.row.id);
    expect((await dev.subscriptions.list()).map((s) => s.id)).not.toContain(theirSub.id);

    const before = await databaseFingerprint(h.db);
    await expectTrpcError(dev.consumers.get({ id: theirs.id }), 'NOT_FOUND');
    await expectTrpcError(
      dev.consumers.update({ id: theirs.id, description: 'mine now' }),
      'NOT_FOUND',
    );
    await expectTrpcError(dev.consumers.delete({ id: theirs.id }), 'NOT_FOUND');
    await expectTrpcError(dev.keys.create({ consumerId: theirs.id }), 'NOT_FOUND');
    await expectTrpcError(dev.keys.revoke({ id: theirKey.row.id }), 'NOT_FOUND');
    await expectTrpcError(dev.keys.rotate({ id: theirKey.row.id }), 'NOT_FOUND');
    await expectTrpcError(dev.subscriptions.cancel({ id: theirSub.id }), 'NOT_FOUND');
    await expectTrpcError(
      dev.subscriptions.create({ consumerId: theirs.id, planId: plan.id }),
      'NOT_FOUND',
    );
    await expectTrpcError(
      dev.consumers.create({ name: uniqueName('con'), ownerId: h.users.otherDeveloper.id }),
      'FORBIDDEN',
    );
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });

  it('a consumer a developer creates is theirs; private plans are not offered to them', async () => {
    const dev = h.as('developer');
    const consumer = await dev.consumers.create({ name: uniqueName('my-app') });
    expect(consumer.ownerId).toBe(h.users.developer.id);
    const privatePlan = await fx.plan({ public: false });
    await expectTrpcError(
      dev.subscriptions.create({ consumerId: consumer.id, planId: privatePlan.id }),
      'NOT_FOUND',
    );
    expect((await dev.plans.list()).map((p) => p.id)).not.toContain(privatePlan.id);
    const { clear } = await dev.keys.create({ consumerId: consumer.id });
    expect(isWellFormedSecret('apiKey', clear)).toBe(true);
  });
});

describe('audit', () => {
  it('mutations are listed newest first with before/after, secrets redacted, paged by cursor', async () => {
    const service = await h
      .as('editor')
      .services.create({ name: uniqueName('svc'), targets: [{ host: '127.0.0.1', port: 1 }] });
    await h.as('editor').services.update({ id: service.id, description: 'second' });
    const page = await h
      .as('viewer')
      .audit.list({ targetType: 'service', targetId: service.id, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ action: 'service.update', actorId: h.users.editor.id });
    expect(page.items[0]?.before).toMatchObject({ description: null });
    expect(page.items[0]?.after).toMatchObject({ description: 'second' });
    const next = await h.as('viewer').audit.list({
      targetType: 'service',
      targetId: service.id,
      limit: 1,
      cursor: page.nextCursor ?? '',
    });
    expect(next.items[0]?.action).toBe('service.create');
    expect(next.nextCursor).toBeNull();

    const registry = await h.as('editor').registries.create({
      name: uniqueName('reg'),
      type: 'consul',
      credentials: { token: 'abc' },
    });
    const entry = (await h.as('viewer').audit.list({ targetId: registry.id })).items[0];
    expect(entry?.after).toMatchObject({ hasCredentials: true });
  });
});
