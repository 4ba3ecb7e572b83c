import { ZDeclarativeConfig } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { baseDocument, countRows, expectAppliedAlready, refusedApply } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

const h = await configHarnessForFile();

/** The base document with one more API on the orders service. */
function baseDocumentWithApi(api: { name: string; basePath: string }) {
  const doc = baseDocument();
  doc.apis.push({ ...api, service: 'orders' } as (typeof doc.apis)[number]);
  return doc;
}

describe('config.apply and config.dump', () => {
  it('creates every entity in dependency order and publishes version 1', async () => {
    const result = await h
      .as('editor')
      .config.applyDocument({ document: baseDocument(), message: 'first' });
    expect(result.published?.number).toBe(1);
    expect(result.changes).toEqual(
      expect.arrayContaining([
        { kind: 'registry', name: 'consul-main', action: 'create' },
        { kind: 'service', name: 'orders', action: 'create' },
        { kind: 'service', name: 'billing', action: 'create' },
        { kind: 'api', name: 'orders-api', action: 'create' },
        { kind: 'plan', name: 'pro', action: 'create' },
        { kind: 'consumer', name: 'acme', action: 'create' },
      ]),
    );
    expect(result.changes).toHaveLength(8);
    const version = await h.as('viewer').config.get({ number: 1 });
    expect(version.message).toBe('first');
    expect(version.snapshot.apis.map((a) => a.name)).toEqual(['billing-api', 'orders-api']);
    // Registry credentials are sealed at rest and never part of the snapshot.
    expect(JSON.stringify(version.snapshot)).not.toContain('consul-secret-token');
    expect(version.snapshot.registries[0]?.hasCredentials).toBe(true);
    const registry = await h.db.registryConnection.findUniqueOrThrow({
      where: { name: 'consul-main' },
    });
    expect(registry.credentialsSealed).not.toContain('consul-secret-token');
    // The consumer got an active subscription, and gateways were told through the credential log.
    const acme = await h.db.consumer.findUniqueOrThrow({
      where: { name: 'acme' },
      include: { subscriptions: true },
    });
    expect(acme.subscriptions.map((s) => s.status)).toEqual(['active']);
    const logged = await h.db.credentialChange.findMany({ orderBy: { seq: 'asc' } });
    expect(logged.map((c) => c.type)).toEqual(['consumer.upsert', 'subscription.upsert']);
  });

  it('applying the same document again changes nothing and publishes nothing', async () => {
    const before = await countRows(h.db);
    const result = await h.as('editor').config.applyDocument({ document: toYaml(baseDocument()) });
    expect(result).toMatchObject({ changes: [], published: null, wouldPublish: false });
    expect(await countRows(h.db)).toEqual(before);
  });

  it('dump then apply is a no-op: no change, no new version', async () => {
    const dumped = await h.as('viewer').config.dump();
    // Fully explicit and secret-free.
    expect(JSON.stringify(dumped)).not.toContain('consul-secret-token');
    expect(dumped.registries[0]).not.toHaveProperty('credentials');
    expect(dumped.services.find((s) => s.name === 'orders')?.timeouts).toEqual({
      connectMs: 2000,
      firstByteMs: 30000,
      totalMs: 60000,
    });
    expect(ZDeclarativeConfig.safeParse(dumped).success).toBe(true);
    await expectAppliedAlready(h, toYaml(dumped));
    // Credentials absent from the file were kept, not cleared.
    const registry = await h.db.registryConnection.findUniqueOrThrow({
      where: { name: 'consul-main' },
    });
    expect(registry.credentialsSealed).not.toBeNull();
  });

  it('a dry run reports the changes and writes nothing', async () => {
    const doc = baseDocumentWithApi({ name: 'extra-api', basePath: '/extra' });
    const before = await countRows(h.db);
    const result = await h.as('editor').config.applyDocument({ document: doc, dryRun: true });
    expect(result).toEqual({
      changes: [{ kind: 'api', name: 'extra-api', action: 'create' }],
      published: null,
      wouldPublish: true,
      dryRun: true,
    });
    expect(await countRows(h.db)).toEqual(before);
  });

  it('updates, deletes and re-subscribes by name, and publishes the next version', async () => {
    const doc = baseDocument();
    doc.services[0] = { name: 'orders', targets: ['127.0.0.1:9301'] };
    doc.plans = doc.plans.filter((p) => p.name !== 'pro');
    doc.consumers = [{ name: 'acme', plans: [] }];
    const result = await h.as('editor').config.applyDocument({ document: doc });
    expect(result.changes).toEqual(
      expect.arrayContaining([
        { kind: 'consumer', name: 'acme', action: 'update' },
        { kind: 'plan', name: 'pro', action: 'delete' },
        { kind: 'service', name: 'orders', action: 'update' },
      ]),
    );
    expect(result.published?.number).toBe(2);
    const sub = await h.db.subscription.findFirstOrThrow({ where: { consumer: { name: 'acme' } } });
    expect(sub.status).toBe('cancelled');
    const last = await h.db.credentialChange.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(last).toMatchObject({ type: 'subscription.delete', entityId: sub.id });
    // Back to the base document for the tests that follow.
    const restored = await h.as('editor').config.applyDocument({ document: baseDocument() });
    expect(restored.published?.number).toBe(3);
  });

  it('refuses an unknown registry type naming the field, and writes nothing', async () => {
    const doc = { ...baseDocument(), registries: [{ name: 'weird', type: 'nacos', address: 'x' }] };
    const error = await refusedApply(
      h,
      { document: doc },
      { code: 'BAD_REQUEST', message: 'registries[0].type' },
    );
    expect(error.message).toContain('unknown registry type "nacos"');
  });

  it('refuses colliding APIs naming both, and writes nothing', async () => {
    const doc = baseDocumentWithApi({ name: 'orders-v2', basePath: '/orders' });
    const error = await refusedApply(
      h,
      { document: doc },
      { code: 'BAD_REQUEST', message: 'orders-api' },
    );
    expect(error.message).toContain('orders-v2');
  });

  it('refuses a target on a metadata address and invalid YAML, writing nothing', async () => {
    const before = await countRows(h.db);
    const doc = baseDocument();
    doc.services[0] = { name: 'orders', targets: ['169.254.169.254:80'] };
    const metadata = await trpcErrorOf(h.as('editor').config.applyDocument({ document: doc }));
    expect(metadata.code).toBe('BAD_REQUEST');
    expect(metadata.message).toContain('services[0].targets[0]');
    const yaml = await trpcErrorOf(
      h.as('editor').config.applyDocument({ document: 'apis: [unclosed' }),
    );
    expect(yaml.code).toBe('BAD_REQUEST');
    expect(yaml.message).toMatch(/^document: not valid YAML/);
    expect(await countRows(h.db)).toEqual(before);
  });

  it('refuses to delete a plan that a developer-owned consumer still uses, and rolls everything back', async () => {
    const pro = await h.db.plan.findUniqueOrThrow({ where: { name: 'pro' } });
    await h.db.user.create({
      data: {
        id: 'usr_dev1',
        email: 'dev@example.test',
        name: 'Dev',
        passwordHash: 'x',
        kind: 'developer',
      },
    });
    await h.db.consumer.create({
      data: {
        id: 'con_dev_app',
        name: 'dev-app',
        ownerId: 'usr_dev1',
        subscriptions: { create: { id: 'sub_dev_pro', planId: pro.id, status: 'active' } },
      },
    });
    const doc = baseDocument();
    doc.plans = doc.plans.filter((p) => p.name !== 'pro');
    doc.services[0] = { name: 'orders', targets: ['127.0.0.1:9999'] };
    await refusedApply(
      h,
      { document: doc },
      { code: 'CONFLICT', message: 'plans: plan pro has 1 active subscription' },
    );
    const orders = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    expect(JSON.stringify(orders.targets)).not.toContain('9999');
    // The developer's consumer is not operator config: dump leaves it out and apply keeps it.
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.consumers.map((c) => c.name)).toEqual(['acme']);
  });

  it('publishes a credentials-only change so gateways receive the new secret', async () => {
    const before = await h.db.configVersion.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const doc = baseDocument();
    doc.registries[0] = {
      ...doc.registries[0],
      credentials: { token: 'rotated-token' },
    } as (typeof doc.registries)[number];
    const result = await h.as('editor').config.applyDocument({ document: doc });
    expect(result.changes).toEqual([{ kind: 'registry', name: 'consul-main', action: 'update' }]);
    expect(result.published?.number).toBe(before.number + 1);
    const after = await h.as('viewer').config.get({ number: before.number + 1 });
    const diff = await h.as('viewer').config.diff({ a: before.number, b: before.number + 1 });
    expect(diff.registries.changed[0]?.fields.map((f) => f.path)).toEqual([
      'credentialsFingerprint',
    ]);
    expect(JSON.stringify(after.snapshot)).not.toContain('rotated-token');
  });

  it('refuses apply to a viewer', async () => {
    const error = await trpcErrorOf(
      h.as('viewer').config.applyDocument({ document: baseDocument() }),
    );
    expect(error.code).toBe('FORBIDDEN');
  });
});
