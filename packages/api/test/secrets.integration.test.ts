import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { openSealed } from '../src/crypto/seal';
import { ZCreateApiInput } from '../src/routers/apis/create-api.types';
import { createApi } from '../src/services/apis/apis';
import { apiHarnessForFile } from './file-harness';
import { type CallerName, databaseFingerprint, expectTrpcError, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

/** 40 random-looking bytes: comfortably above the 32-byte HS256 minimum. */
function strongValue(tag: string): string {
  return `${tag}-${'k9Qz'.repeat(10)}`;
}

/** The harness fingerprint plus the secrets table, which it does not cover. */
async function everything(): Promise<Record<string, string>> {
  const rows = await h.db.$queryRawUnsafe<{ h: string }[]>(
    `SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM secrets x`,
  );
  return { ...(await databaseFingerprint(h.db)), secrets: rows[0]?.h ?? '' };
}

async function jwtApiInput(secretRef: string) {
  const service = await fx.service();
  const name = uniqueName('jwt-api');
  return {
    name,
    basePath: `/${name}`,
    serviceId: service.id,
    auth: { type: 'jwt' as const, secretRef, algorithms: ['HS256'] },
  };
}

/** A new secret (valued from `seed`) and an API whose jwt auth references it. */
async function jwtApiOnNewSecret(seed: string) {
  const name = uniqueName('sec');
  await h.as('admin').secrets.create({ name, value: strongValue(seed) });
  const input = await jwtApiInput(name);
  const api = await h.as('editor').apis.create(input);
  return { name, input, api };
}

describe('secrets: storage and visibility', () => {
  it('create stores the value sealed and returns, lists and audits everything but the value', async () => {
    const name = uniqueName('sec');
    const value = strongValue('create');
    const created = await h.as('admin').secrets.create({ name, value, description: 'partner' });
    expect(created.id).toMatch(/^sec_/);
    expect(created).toMatchObject({ name, description: 'partner', usedBy: [] });
    expect(JSON.stringify(created)).not.toContain(value);

    const row = await h.db.secret.findUniqueOrThrow({ where: { name } });
    expect(row.valueSealed).not.toContain(value);
    expect(openSealed(h.secretKey, row.valueSealed)).toBe(value);

    const listed = await h.as('viewer').secrets.list();
    const mine = listed.find((s) => s.name === name);
    expect(mine?.fingerprint).toBe(created.fingerprint);
    expect(JSON.stringify(listed)).not.toContain(value);

    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { action: 'secret.create', targetId: created.id },
    });
    expect(audit.actorId).toBe(h.users.admin.id);
    expect(JSON.stringify(audit)).not.toContain(value);
  });

  it('only admins and owners manage secrets; viewers may list; refused calls write nothing', async () => {
    const name = uniqueName('sec');
    const value = strongValue('roles');
    const before = await everything();
    const refused: [CallerName, 'FORBIDDEN' | 'UNAUTHORIZED'][] = [
      ['editor', 'FORBIDDEN'],
      ['viewer', 'FORBIDDEN'],
      ['developer', 'FORBIDDEN'],
      ['anonymous', 'UNAUTHORIZED'],
    ];
    for (const [who, code] of refused) {
      await expectTrpcError(h.as(who).secrets.create({ name, value }), code);
      await expectTrpcError(h.as(who).secrets.update({ name, value }), code);
      await expectTrpcError(h.as(who).secrets.delete({ name }), code);
    }
    await expectTrpcError(h.as('developer').secrets.list(), 'FORBIDDEN');
    await expectTrpcError(h.as('anonymous').secrets.list(), 'UNAUTHORIZED');
    expect(await everything()).toEqual(before);

    await h.as('owner').secrets.create({ name, value });
    expect(await h.as('viewer').secrets.list()).toEqual(
      expect.arrayContaining([expect.objectContaining({ name })]),
    );
  });

  it('refuses a value shorter than 32 bytes (counted in UTF-8 bytes, not characters), writing nothing', async () => {
    const before = await everything();
    const short = await expectTrpcError(
      h.as('admin').secrets.create({ name: uniqueName('sec'), value: 'x'.repeat(31) }),
      'BAD_REQUEST',
    );
    expect(short.message).toMatch(/^value: must be at least 32 bytes/);
    expect(short.message).toContain('RFC 7518');
    expect(await everything()).toEqual(before);
    // 11 euro signs are 11 characters but 33 bytes: long enough.
    await h.as('admin').secrets.create({ name: uniqueName('sec'), value: '€'.repeat(11) });
  });

  it('refuses a duplicate name with CONFLICT naming the field', async () => {
    const name = uniqueName('sec');
    await h.as('admin').secrets.create({ name, value: strongValue('one') });
    const before = await everything();
    const error = await expectTrpcError(
      h.as('admin').secrets.create({ name, value: strongValue('two') }),
      'CONFLICT',
    );
    expect(error.message).toBe(`name: a secret named ${name} already exists`);
    expect(await everything()).toEqual(before);
  });

  it('update rotates the sealed value and the fingerprint; an unknown name is NOT_FOUND', async () => {
    const name = uniqueName('sec');
    const created = await h.as('admin').secrets.create({ name, value: strongValue('old') });
    const rotated = await h.as('admin').secrets.update({ name, value: strongValue('new') });
    expect(rotated.id).toBe(created.id);
    expect(rotated.fingerprint).not.toBe(created.fingerprint);
    const row = await h.db.secret.findUniqueOrThrow({ where: { name } });
    expect(openSealed(h.secretKey, row.valueSealed)).toBe(strongValue('new'));
    const audit = await h.db.auditLog.findFirstOrThrow({
      where: { action: 'secret.update', targetId: created.id },
    });
    expect(JSON.stringify(audit)).not.toContain('old-k9Qz');
    expect(JSON.stringify(audit)).not.toContain('new-k9Qz');

    const missing = await expectTrpcError(
      h.as('admin').secrets.update({ name: uniqueName('nope'), value: strongValue('x') }),
      'NOT_FOUND',
    );
    expect(missing.message).toMatch(/^name: no secret named /);
  });
});

describe('secrets: references from APIs', () => {
  it('an API whose jwt auth names an unknown secret is refused with BAD_REQUEST on auth.secretRef, nothing written', async () => {
    const input = await jwtApiInput('no-such-secret');
    const before = await everything();
    const error = await expectTrpcError(h.as('editor').apis.create(input), 'BAD_REQUEST');
    expect(error.message).toMatch(/^auth\.secretRef: no secret named no-such-secret/);
    expect(await everything()).toEqual(before);

    const service = await fx.service();
    const api = await fx.api(service.id);
    const beforeUpdate = await everything();
    const updateError = await expectTrpcError(
      h.as('editor').apis.update({ id: api.id, auth: input.auth }),
      'BAD_REQUEST',
    );
    expect(updateError.message).toMatch(/^auth\.secretRef: no secret named no-such-secret/);
    expect(await everything()).toEqual(beforeUpdate);
    expect((await h.db.api.findUniqueOrThrow({ where: { id: api.id } })).auth).toEqual({
      type: 'key',
    });
  });

  it('delete is refused with CONFLICT naming the API while it references the secret, and the row stays', async () => {
    const { name, input, api } = await jwtApiOnNewSecret('ref');
    expect((await h.as('viewer').secrets.list()).find((s) => s.name === name)?.usedBy).toEqual([
      input.name,
    ]);

    const before = await everything();
    const error = await expectTrpcError(h.as('admin').secrets.delete({ name }), 'CONFLICT');
    expect(error.message).toContain(`secret ${name} is referenced`);
    expect(error.message).toContain(input.name);
    expect(await everything()).toEqual(before);
    expect(await h.db.secret.findUnique({ where: { name } })).not.toBeNull();

    await h.as('editor').apis.update({ id: api.id, auth: { type: 'key' } });
    const deleted = await h.as('admin').secrets.delete({ name });
    expect(deleted.name).toBe(name);
    expect(await h.db.secret.findUnique({ where: { name } })).toBeNull();
    expect(
      await h.db.auditLog.count({ where: { action: 'secret.delete', targetId: deleted.id } }),
    ).toBe(1);
  });
});

describe('secrets: publishing', () => {
  it('rotating a referenced secret changes the draft (jwtSecretFingerprint) so the next publish makes a version', async () => {
    const { name, api } = await jwtApiOnNewSecret('v1');
    const first = await h.as('editor').config.publish({ message: 'jwt api' });
    const published = await h.db.configVersion.findUniqueOrThrow({
      where: { number: first.number },
    });
    const snapshotText = JSON.stringify(published.snapshot);
    expect(snapshotText).not.toContain('v1-k9Qz');
    const fingerprintBefore = (await h.as('viewer').secrets.list()).find(
      (s) => s.name === name,
    )?.fingerprint;
    expect(snapshotText).toContain(`"jwtSecretFingerprint":"${fingerprintBefore}"`);

    await expectTrpcError(h.as('editor').config.publish({ message: 'again' }), 'CONFLICT');
    await h.as('admin').secrets.update({ name, value: strongValue('v2') });
    const diff = await h.as('viewer').config.draftDiff();
    expect(diff.valid).toBe(true);
    if (diff.valid) {
      const changed = diff.diff.apis.changed.find((c) => c.id === api.id);
      expect(changed?.fields.map((f) => f.path)).toEqual(['jwtSecretFingerprint']);
    }
    const second = await h.as('editor').config.publish({ message: 'rotate' });
    expect(second.number).toBe(first.number + 1);
    expect(second.hash).not.toBe(first.hash);
  });

  it('a secret still used by the latest published version cannot be deleted until a publish drops it', async () => {
    const { name, input, api } = await jwtApiOnNewSecret('pub');
    const version = await h.as('editor').config.publish({ message: 'uses secret' });
    await h.as('editor').apis.update({ id: api.id, auth: { type: 'key' } });

    const error = await expectTrpcError(h.as('admin').secrets.delete({ name }), 'CONFLICT');
    expect(error.message).toContain(`published version ${version.number}`);
    expect(error.message).toContain(input.name);
    expect(await h.db.secret.findUnique({ where: { name } })).not.toBeNull();

    await h.as('editor').config.publish({ message: 'drops secret' });
    await h.as('admin').secrets.delete({ name });
    expect(await h.db.secret.findUnique({ where: { name } })).toBeNull();
  });

  it('a draft API naming a missing secret (written around the API checks) makes publish PRECONDITION_FAILED', async () => {
    const service = await fx.service();
    const api = await fx.api(service.id);
    await h.db.api.update({
      where: { id: api.id },
      data: { auth: { type: 'jwt', secretRef: 'vanished', algorithms: ['HS256'] } },
    });
    try {
      const before = await everything();
      const error = await expectTrpcError(
        h.as('editor').config.publish({ message: 'x' }),
        'PRECONDITION_FAILED',
      );
      expect(error.message).toContain(`apis.${api.name}.auth.secretRef: no secret named vanished`);
      expect(await everything()).toEqual(before);
    } finally {
      await h.db.route.deleteMany({ where: { apiId: api.id } });
      await h.db.api.delete({ where: { id: api.id } });
    }
  });
});

describe('secrets: concurrent delete and reference', () => {
  it('a delete racing an API that is being saved with a reference waits for it and is then refused', async () => {
    const name = uniqueName('sec');
    await h.as('admin').secrets.create({ name, value: strongValue('race') });
    const input = ZCreateApiInput.parse(await jwtApiInput(name));
    // A holder, not a `let`: TypeScript cannot see the assignment inside the callback.
    const race: { deletion: Promise<unknown> | null } = { deletion: null };
    await h.db.$transaction(
      async (tx) => {
        // The API's check takes the secret row FOR SHARE; the delete below must wait for commit.
        const api = await createApi(tx, input, new Date());
        race.deletion = h
          .as('admin')
          .secrets.delete({ name })
          .then(
            () => 'deleted',
            (error: unknown) => error,
          );
        const deadline = Date.now() + 5_000;
        let waiting = 0;
        while (waiting === 0 && Date.now() < deadline) {
          const rows = await h.db.$queryRaw<{ n: bigint }[]>`
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%FROM secrets WHERE name%FOR UPDATE%'`;
          waiting = Number(rows[0]?.n ?? 0n);
        }
        expect(waiting, 'the delete should be blocked on the row lock').toBe(1);
        expect(api.name).toBe(input.name);
      },
      { timeout: 15_000 },
    );
    const outcome = await race.deletion;
    expect(outcome).toBeInstanceOf(TRPCError);
    expect((outcome as TRPCError).code).toBe('CONFLICT');
    expect((outcome as TRPCError).message).toContain(input.name);
    expect(await h.db.secret.findUnique({ where: { name } })).not.toBeNull();
  });
});
