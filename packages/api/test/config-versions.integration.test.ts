import { snapshotHash } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { recordNodeStatus } from '../src/sync/data-plane-nodes';
import { baseDocument, countRows } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

const h = await configHarnessForFile();

describe('publish, diff and rollback', () => {
  it('publishes the draft, refuses to publish it twice, and diffs versions by field path', async () => {
    const editor = h.as('editor');
    expect((await h.as('viewer').config.versions()).items).toEqual([]);
    await editor.config.applyDocument({ document: baseDocument(), message: 'initial' });

    const nothing = await trpcErrorOf(editor.config.publish({ message: 'again' }));
    expect(nothing.code).toBe('CONFLICT');
    expect(nothing.message).toContain('nothing to publish');

    // Change the draft the way the entity CRUD does, then look at the draft diff and publish.
    const orders = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    const settings = orders.settings as { timeouts: { connectMs: number } };
    settings.timeouts.connectMs = 750;
    await h.db.service.update({ where: { id: orders.id }, data: { settings } });
    const pending = await h.as('viewer').config.draftDiff();
    expect(pending.valid).toBe(true);
    if (!pending.valid) return;
    expect(pending.diff.services.changed).toEqual([
      {
        id: orders.id,
        name: 'orders',
        fields: [{ path: 'timeouts.connectMs', before: 2000, after: 750 }],
      },
    ]);

    const published = await editor.config.publish({ message: 'faster connect' });
    expect(published.number).toBe(2);
    const stored = await h.db.configVersion.findUniqueOrThrow({ where: { number: 2 } });
    expect(stored.hash).toBe(snapshotHash(stored.snapshot));
    expect(stored.hash).toBe(published.hash);
    expect(stored.author).toBe('editor@example.test');

    const diff = await h.as('viewer').config.diff({ a: 1, b: 2 });
    expect(diff.identical).toBe(false);
    expect(diff.apis).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.services.changed[0]?.fields).toEqual([
      { path: 'timeouts.connectMs', before: 2000, after: 750 },
    ]);

    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { action: 'config.publish' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit).toMatchObject({
      targetType: 'configVersion',
      targetId: stored.id,
      actorId: 'usr_test_editor',
    });
  });

  it('rolls back by publishing the old snapshot as a new version', async () => {
    const v1 = await h.db.configVersion.findUniqueOrThrow({ where: { number: 1 } });
    const rolled = await h.as('editor').config.rollback({ to: 1 });
    expect(rolled).toEqual({ number: 3, hash: v1.hash });
    const v3 = await h.as('viewer').config.get({ number: 3 });
    expect(v3).toMatchObject({ rollbackOf: 1, message: 'rollback to version 1' });
    const diff = await h.as('viewer').config.diff({ a: 2, b: 3 });
    expect(diff.services.changed[0]?.fields).toEqual([
      { path: 'timeouts.connectMs', before: 750, after: 2000 },
    ]);
    const again = await trpcErrorOf(h.as('editor').config.rollback({ to: 1 }));
    expect(again.code).toBe('CONFLICT');
    const missing = await trpcErrorOf(h.as('editor').config.rollback({ to: 99 }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('config version 99 does not exist');
    expect((await trpcErrorOf(h.as('viewer').config.get({ number: 99 }))).code).toBe('NOT_FOUND');
    expect((await trpcErrorOf(h.as('viewer').config.diff({ a: 1, b: 99 }))).code).toBe('NOT_FOUND');
    const page = await h.as('viewer').config.versions({ limit: 2 });
    expect(page.items.map((v) => v.number)).toEqual([3, 2]);
    expect(page.nextCursor).toBe(2);
    const rest = await h.as('viewer').config.versions({ cursor: 2, limit: 2 });
    expect(rest.items.map((v) => v.number)).toEqual([1]);
    expect(rest.nextCursor).toBeNull();
  });

  it('gives two concurrent publishes two distinct consecutive numbers', async () => {
    const latest =
      (await h.db.configVersion.aggregate({ _max: { number: true } }))._max.number ?? 0;
    // Two pipelines applying different files at the same moment: both publish, neither collides.
    const docA = baseDocument();
    docA.services[0] = { name: 'orders', targets: ['127.0.0.1:9401'] };
    const docB = baseDocument();
    docB.services[0] = { name: 'orders', targets: ['127.0.0.1:9402'] };
    const [a, b] = await Promise.all([
      h.as('editor').config.applyDocument({ document: docA }),
      h.as('editor').config.applyDocument({ document: docB }),
    ]);
    expect([a.published?.number, b.published?.number].sort()).toEqual([latest + 1, latest + 2]);
    // And two concurrent rollbacks to different versions.
    const [r1, r2] = await Promise.all([
      h.as('editor').config.rollback({ to: 1 }),
      h.as('editor').config.rollback({ to: 2 }),
    ]);
    expect([r1.number, r2.number].sort()).toEqual([latest + 3, latest + 4]);
    const numbers = (
      await h.db.configVersion.findMany({ orderBy: { number: 'asc' }, select: { number: true } })
    ).map((v) => v.number);
    expect(numbers).toEqual(Array.from({ length: latest + 4 }, (_, i) => i + 1));
  });

  it('refuses to publish colliding APIs naming both, storing nothing', async () => {
    const orders = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    // Entity CRUD checks too; this row is written directly to prove publish checks on its own.
    await h.db.api.create({
      data: {
        id: 'api_collider',
        name: 'orders-shadow',
        slug: 'orders-shadow',
        basePath: '/orders',
        hosts: [],
        serviceId: orders.id,
        auth: { type: 'key' },
      },
    });
    const before = await countRows(h.db);
    const error = await trpcErrorOf(h.as('editor').config.publish({ message: 'collide' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('orders-api');
    expect(error.message).toContain('orders-shadow');
    expect(await countRows(h.db)).toEqual(before);
    await h.db.api.delete({ where: { id: 'api_collider' } });
  });

  it('never stores an invalid snapshot', async () => {
    const orders = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    await h.db.service.update({
      where: { id: orders.id },
      data: { targets: [{ host: '169.254.169.254', port: 80, weight: 100 }] },
    });
    const before = await countRows(h.db);
    const error = await trpcErrorOf(h.as('editor').config.publish({ message: 'metadata target' }));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toContain('services[1].targets[0].host');
    expect(await countRows(h.db)).toEqual(before);
    const draft = await h.as('viewer').config.draftDiff();
    expect(draft.valid).toBe(false);
  });

  it('refuses every config procedure to a portal developer', async () => {
    const developer = h.as('developer');
    const calls: Promise<unknown>[] = [
      developer.config.publish({ message: 'x' }),
      developer.config.rollback({ to: 1 }),
      developer.config.applyDocument({ document: {} }),
      developer.config.dump(),
      developer.config.versions(),
      developer.config.draftDiff(),
      developer.dataPlanes.list(),
    ];
    for (const call of calls) expect((await trpcErrorOf(call)).code).toBe('FORBIDDEN');
  });

  it('refuses publish and rollback to a viewer', async () => {
    expect((await trpcErrorOf(h.as('viewer').config.publish({ message: 'x' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await trpcErrorOf(h.as('viewer').config.rollback({ to: 1 }))).code).toBe('FORBIDDEN');
  });
});

describe('dataPlanes.list', () => {
  it('shows reported versions and flags nodes not seen for 90 s as stale', async () => {
    const seen = new Date();
    await recordNodeStatus(
      h.db,
      'gw-1',
      'tok_x',
      {
        hostname: 'gw-host-1',
        appliedVersion: 1,
        appliedHash: 'a'.repeat(64),
        credentialSeq: 3,
        error: 'boom',
      },
      seen,
    );
    const fresh = await h.as('viewer').dataPlanes.list();
    expect(fresh.nodes).toEqual([
      expect.objectContaining({
        id: 'gw-1',
        hostname: 'gw-host-1',
        appliedVersion: 1,
        credentialSeq: 3,
        lastError: 'boom',
        stale: false,
        behind: true,
      }),
    ]);
    const later = await h.as('viewer', () => new Date(seen.getTime() + 91_000)).dataPlanes.list();
    expect(later.nodes[0]?.stale).toBe(true);
  });
});
