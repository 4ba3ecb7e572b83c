import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@portico/db/testing';
import { newId } from '@portico/id';
import { generateSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { createAppCaller } from '../src/root';
import { BOOTSTRAP_OWNER_EMAIL, bootstrapOwner } from '../src/services/auth/bootstrap-owner';
import { hashPassword } from '../src/services/auth/passwords';
import { resolveActor } from '../src/services/auth/resolve-actor';
import { signSessionCookie } from '../src/services/auth/session-cookie';
import type { Actor, ApiContext } from '../src/trpc';
import { apiHarnessForFile } from './file-harness';
import { fixtures } from './fixtures';
import { expectTrpcError, uniqueName } from './harness';

const { h } = await apiHarnessForFile();

function resolve(
  credentials: { sessionCookie?: string; authorization?: string },
  now = new Date(),
) {
  return resolveActor(
    { db: h.db, sessionSigningKey: h.sessionSigningKey, now: () => now },
    {
      sessionCookie: credentials.sessionCookie ?? null,
      authorization: credentials.authorization ?? null,
    },
  );
}

/** A caller whose context carries `actor` and records the cookie it is asked to set. */
function callerWith(actor: Actor | null, db = h.db) {
  const cookies: { value: string | null } = { value: null };
  const ctx: ApiContext = {
    db,
    sessionSigningKey: h.sessionSigningKey,
    secretKey: h.secretKey,
    now: () => new Date(),
    actor,
    requestId: 'req_test',
    clientIp: '127.0.0.1',
    userAgent: 'vitest',
    cookies: {
      setSession: (value) => {
        cookies.value = value;
      },
      clearSession: () => {
        cookies.value = '';
      },
    },
  };
  return { caller: createAppCaller(ctx), cookies };
}

/** A verified developer account with `password`, as the portal's sign-up leaves one once the mailed link is followed. */
async function createDeveloperAccount(email: string, password: string, name: string) {
  return h.db.user.create({
    data: {
      id: newId('user'),
      email,
      name,
      passwordHash: await hashPassword(password),
      kind: 'developer',
    },
  });
}

/** A developer account signed in through auth.signIn: its caller and the cookie it got. */
async function signedInDeveloper(email: string, password: string, name: string) {
  const user = await createDeveloperAccount(email, password, name);
  const anonymous = callerWith(null);
  await anonymous.caller.auth.signIn({ email, password });
  return { user, cookies: anonymous.cookies };
}

describe('sign-in and sessions', () => {
  it('portal sign-up stores an argon2id hash; sign-in sets a cookie that resolves to the user until sign-out revokes it', async () => {
    const email = `${uniqueName('dev')}@example.test`;
    await callerWith(null).caller.portal.auth.signUp({
      email,
      password: 'a long enough password',
      name: 'Dev',
    });
    // The mailed link is followed in the portal tests; here the address counts as confirmed.
    await h.db.user.update({ where: { email }, data: { emailVerifiedAt: new Date() } });
    const user = await h.db.user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);

    const anonymous = callerWith(null);
    await anonymous.caller.auth.signIn({
      email: email.toUpperCase(),
      password: 'a long enough password',
    });
    const cookie = anonymous.cookies.value ?? '';
    const actor = await resolve({ sessionCookie: cookie });
    expect(actor).toMatchObject({ kind: 'developer', userId: user.id, via: 'session' });

    const signedIn = callerWith(actor);
    await signedIn.caller.auth.signOut();
    expect(signedIn.cookies.value).toBe('');
    expect(await resolve({ sessionCookie: cookie })).toBeNull();
    const session = await h.db.session.findUniqueOrThrow({ where: { id: actor?.sessionId ?? '' } });
    expect(session.revokedAt).not.toBeNull();
  });

  it('a wrong password, an unknown email and a disabled account get the same UNAUTHORIZED', async () => {
    const email = `${uniqueName('op')}@example.test`;
    await createDeveloperAccount(email, 'a long enough password', 'X');
    const anonymous = callerWith(null).caller;
    const wrong = await expectTrpcError(
      anonymous.auth.signIn({ email, password: 'not the password' }),
      'UNAUTHORIZED',
    );
    const unknown = await expectTrpcError(
      anonymous.auth.signIn({ email: `nobody-${email}`, password: 'x' }),
      'UNAUTHORIZED',
    );
    await h.db.user.update({ where: { email }, data: { disabledAt: new Date() } });
    const disabled = await expectTrpcError(
      anonymous.auth.signIn({ email, password: 'a long enough password' }),
      'UNAUTHORIZED',
    );
    expect(new Set([wrong.message, unknown.message, disabled.message]).size).toBe(1);
  });

  it('forged, expired and malformed cookies resolve to nobody', async () => {
    const email = `${uniqueName('dev')}@example.test`;
    const anonymous = await signedInDeveloper(email, 'a long enough password', 'Dev');
    const session = await h.db.session.findFirstOrThrow({ where: { user: { email } } });
    const forged = await signSessionCookie(randomBytes(32), session.id, session.expiresAt);
    expect(await resolve({ sessionCookie: forged })).toBeNull();
    expect(await resolve({ sessionCookie: 'not-a-jwt' })).toBeNull();
    const afterExpiry = new Date(session.expiresAt.getTime() + 1000);
    expect(await resolve({ sessionCookie: anonymous.cookies.value ?? '' }, afterExpiry)).toBeNull();
  });

  it('disabling a user ends their sessions and tokens at once', async () => {
    const email = `${uniqueName('op')}@example.test`;
    const signUp = await signedInDeveloper(email, 'a long enough password', 'X');
    const { user } = signUp;
    // Make them an operator so users.disable applies.
    await h.db.user.update({ where: { id: user.id }, data: { kind: 'operator', role: 'viewer' } });
    const pat = await fixtures(h.db).personalToken(user.id);
    expect(await resolve({ authorization: `Bearer ${pat.clear}` })).not.toBeNull();
    await h.as('admin').users.disable({ id: user.id });
    expect(await resolve({ sessionCookie: signUp.cookies.value ?? '' })).toBeNull();
    expect(await resolve({ authorization: `Bearer ${pat.clear}` })).toBeNull();
  });

  it('an invite is accepted once, giving the invited role', async () => {
    const { inviteToken, email } = await h
      .as('admin')
      .users.invite({ email: `${uniqueName('new')}@example.test`, role: 'editor' });
    const { user } = await callerWith(null).caller.auth.acceptInvite({
      token: inviteToken,
      password: 'a long enough password',
      name: 'New',
    });
    expect(user).toMatchObject({ email, kind: 'operator', role: 'editor' });
    await expectTrpcError(
      callerWith(null).caller.auth.acceptInvite({
        token: inviteToken,
        password: 'a long enough password',
        name: 'Again',
      }),
      'NOT_FOUND',
    );
  });
});

describe('personal access tokens', () => {
  it('authenticate by hash, and lastUsedAt is written at most once a minute', async () => {
    const { token, record } = await h.as('editor').tokens.createPersonal({ name: 'ci' });
    const t0 = new Date('2031-05-01T10:00:00Z');
    const actor = await resolve({ authorization: `Bearer ${token}` }, t0);
    expect(actor).toMatchObject({
      kind: 'operator',
      role: 'editor',
      via: 'token',
      tokenId: record.id,
    });
    const lastUsed = async () =>
      (await h.db.personalAccessToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt;
    expect(await lastUsed()).toEqual(t0);
    await resolve({ authorization: `Bearer ${token}` }, new Date(t0.getTime() + 30_000));
    expect(await lastUsed()).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await resolve({ authorization: `Bearer ${token}` }, t2);
    expect(await lastUsed()).toEqual(t2);
  });

  it('revoked, expired, unknown and malformed tokens resolve to nobody', async () => {
    const caller = h.as('viewer');
    const revoked = await caller.tokens.createPersonal({ name: 'old' });
    await caller.tokens.revokePersonal({ id: revoked.record.id });
    expect(await resolve({ authorization: `Bearer ${revoked.token}` })).toBeNull();
    const expiring = await caller.tokens.createPersonal({ name: 'short', expiresInDays: 1 });
    expect(
      await resolve(
        { authorization: `Bearer ${expiring.token}` },
        new Date(Date.now() + 2 * 86_400_000),
      ),
    ).toBeNull();
    expect(
      await resolve({ authorization: `Bearer ${generateSecret('personalToken').clear}` }),
    ).toBeNull();
    expect(await resolve({ authorization: 'Bearer pat_nonsense' })).toBeNull();
  });
});

describe('first owner', () => {
  it('setup creates the owner only while no operator exists, even when two race', async () => {
    const database = await createTestDatabase();
    try {
      const attempt = (n: number) =>
        callerWith(null, database.db).caller.auth.setup({
          email: `owner${n}@example.test`,
          password: 'a long enough password',
          name: `Owner ${n}`,
        });
      const results = await Promise.allSettled([attempt(1), attempt(2)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await database.db.user.count({ where: { role: 'owner' } })).toBe(1);
      expect(await callerWith(null, database.db).caller.auth.setupStatus()).toEqual({
        needsSetup: false,
      });
    } finally {
      await database.drop();
    }
  });

  it('the bootstrap token becomes the owner PAT of admin@portico.local, once', async () => {
    const database = await createTestDatabase();
    try {
      const token = generateSecret('bootstrap').clear;
      expect(await bootstrapOwner(database.db, token)).toBe('created');
      expect(await bootstrapOwner(database.db, token)).toBe('operators-exist');
      const actor = await resolveActor(
        { db: database.db, sessionSigningKey: h.sessionSigningKey, now: () => new Date() },
        { sessionCookie: null, authorization: `Bearer ${token}` },
      );
      expect(actor).toMatchObject({
        kind: 'operator',
        role: 'owner',
        email: BOOTSTRAP_OWNER_EMAIL,
      });
      expect(await database.db.user.count()).toBe(1);
      await expect(bootstrapOwner(database.db, 'short-and-wrong')).rejects.toThrow(
        /well-formed pat_/,
      );
    } finally {
      await database.drop();
    }
  });
});
