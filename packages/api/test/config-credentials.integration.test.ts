import { newId } from '@portico/id';
import { hashPassword, verifyPassword } from '@portico/keys';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { baseDocument, countRows, expectAppliedAlready, refusedApply } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

const h = await configHarnessForFile();

let hash = '';
beforeAll(async () => {
  hash = await hashPassword('batch job password');
});

function documentWith(credentials: unknown[] | undefined) {
  const doc = baseDocument();
  return {
    ...doc,
    consumers: [
      { name: 'acme', plans: ['free'], ...(credentials === undefined ? {} : { credentials }) },
    ],
  };
}

async function live(consumerName: string) {
  return h.db.consumerCredential.findMany({
    where: { consumer: { name: consumerName }, revokedAt: null },
    orderBy: { identifier: 'asc' },
  });
}

describe('declarative consumer credentials', () => {
  it('creates listed basic credentials, and applying again or a dump changes nothing', async () => {
    const doc = documentWith([
      { kind: 'basic', name: 'batch', username: 'acme-batch', passwordHash: hash },
      { kind: 'basic', username: 'acme-ci', password: 'ci password from env' },
    ]);
    const first = await h.as('editor').config.applyDocument({ document: doc, message: 'creds' });
    expect(first.changes).toContainEqual({ kind: 'consumer', name: 'acme', action: 'create' });
    const rows = await live('acme');
    expect(rows.map((r) => [r.identifier, r.name])).toEqual([
      ['acme-batch', 'batch'],
      ['acme-ci', 'default'],
    ]);
    expect(rows[0]?.secretHash).toBe(hash);
    expect(await verifyPassword(rows[1]?.secretHash ?? '', 'ci password from env')).toBe(true);
    const logged = await h.db.credentialChange.findMany({ where: { type: 'credential.upsert' } });
    expect(logged).toHaveLength(2);

    await expectAppliedAlready(h, toYaml(doc));

    const dumped = await h.as('viewer').config.dump();
    const acme = dumped.consumers.find((c) => c.name === 'acme');
    expect(acme?.credentials).toEqual([
      { kind: 'basic', name: 'batch', username: 'acme-batch', passwordHash: hash },
      { kind: 'basic', name: 'default', username: 'acme-ci', passwordHash: rows[1]?.secretHash },
    ]);
    expect(JSON.stringify(dumped)).not.toContain('ci password from env');
    const fromDump = await h.as('editor').config.applyDocument({ document: toYaml(dumped) });
    expect(fromDump.changes).toEqual([]);
  });

  it('a consumer without credentials: keeps its credentials; an emptied list revokes them', async () => {
    const kept = await h.as('editor').config.applyDocument({ document: documentWith(undefined) });
    expect(kept.changes).toEqual([]);
    expect(await live('acme')).toHaveLength(2);
    const emptied = await h.as('editor').config.applyDocument({ document: documentWith([]) });
    expect(emptied.changes).toEqual([{ kind: 'consumer', name: 'acme', action: 'update' }]);
    expect(await live('acme')).toHaveLength(0);
    const deletes = await h.db.credentialChange.findMany({ where: { type: 'credential.delete' } });
    expect(deletes).toHaveLength(2);
  });

  it('refuses passwordEnv sent to the server, and a username listed twice, writing nothing', async () => {
    const before = await countRows(h.db);
    const env = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([{ kind: 'basic', username: 'x-user', passwordEnv: 'X_PASSWORD' }]),
      }),
    );
    expect(env.code).toBe('BAD_REQUEST');
    expect(env.message).toContain(
      'consumers.0.credentials.0.passwordEnv: the CLI reads passwordEnv',
    );
    const doc = documentWith([{ kind: 'basic', username: 'twice', passwordHash: hash }]);
    doc.consumers.push({
      name: 'other',
      plans: [],
      credentials: [{ kind: 'basic', username: 'twice', passwordHash: hash }],
    } as never);
    const twice = await trpcErrorOf(h.as('editor').config.applyDocument({ document: doc }));
    expect(twice.code).toBe('BAD_REQUEST');
    expect(twice.message).toContain('basic credential twice is already listed under consumer acme');
    const both = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith([
          { kind: 'basic', username: 'both', passwordHash: hash, password: 'long enough password' },
        ]),
      }),
    );
    expect(both.message).toContain('give exactly one of passwordHash and passwordEnv');
    expect(await countRows(h.db)).toEqual(before);
  });

  it('moves a username between consumers in one apply, and refuses one another consumer holds', async () => {
    const moved = await h.as('editor').config.applyDocument({
      document: {
        ...documentWith([{ kind: 'basic', username: 'mover', passwordHash: hash }]),
      },
    });
    expect(moved.changes).toContainEqual({ kind: 'consumer', name: 'acme', action: 'update' });
    const doc = documentWith([]);
    doc.consumers.push({
      name: 'globex',
      plans: [],
      credentials: [{ kind: 'basic', username: 'mover', passwordHash: hash }],
    } as never);
    await h.as('editor').config.applyDocument({ document: doc });
    const holder = await h.db.consumerCredential.findFirstOrThrow({
      where: { identifier: 'mover', revokedAt: null },
      include: { consumer: true },
    });
    expect(holder.consumer.name).toBe('globex');

    // A developer's app: apply never deletes it, so its username stays taken.
    const developer = await h.db.user.create({
      data: {
        id: newId('user'),
        email: 'dev@example.test',
        name: 'Dev',
        passwordHash: 'x',
        kind: 'developer',
      },
    });
    const outsider = await h.db.consumer.create({
      data: { id: newId('consumer'), name: 'outsider-app', ownerId: developer.id },
    });
    await h.db.consumerCredential.create({
      data: {
        id: newId('credential'),
        consumerId: outsider.id,
        kind: 'basic',
        name: 'x',
        identifier: 'held-elsewhere',
        secretHash: hash,
      },
    });
    await refusedApply(
      h,
      {
        document: documentWith([{ kind: 'basic', username: 'held-elsewhere', passwordHash: hash }]),
      },
      {
        code: 'BAD_REQUEST',
        message:
          'consumers.0.credentials.0.username: held-elsewhere already belongs to consumer outsider-app',
      },
    );
  });
});
