import { hashPassword } from '@portico/api';
import { hashSecret } from '@portico/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, mutate, query, sessionCookieFrom } from './http-client';
import {
  PASSWORD,
  PORTAL_COOKIE,
  PORTAL_ORIGIN,
  PORTAL_URL,
  type PortalHarness,
  startPortalHarness,
} from './portal-harness';

let h: PortalHarness;

beforeAll(async () => {
  h = await startPortalHarness();
});
afterAll(async () => {
  await h?.close();
});

function uniqueEmail(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}@example.test`;
}

async function setSignUpMode(mode: 'open' | 'approval' | 'invite'): Promise<void> {
  const reply = await mutate(
    h.base,
    'portalAdmin.settings.update',
    { signUpMode: mode },
    { cookie: h.ownerCookie },
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

describe('portal sign-up in open mode, verified through a real SMTP server', () => {
  it('signs nobody in, mails a single-use link to the portal, and the link signs the developer in', async () => {
    await setSignUpMode('open');
    const email = uniqueEmail('open');
    const since = h.mailbox.received.length;
    const signUp = await mutate(
      h.base,
      'portal.auth.signUp',
      { email, password: PASSWORD, name: 'Open Dev' },
      { origin: PORTAL_ORIGIN },
    );
    expect(signUp.status).toBe(200);
    expect(dataOf(signUp)).toMatchObject({ next: 'verify_email', verificationMailSent: true });
    expect(signUp.headers.getSetCookie()).toEqual([]);

    const mail = await h.mailbox.waitFor(email, { since });
    expect(mail.from).toBe('portal@example.test');
    expect(mail.subject).toContain('confirm your email address');
    const link = h.mailbox.linkIn(mail, 'verify-email');
    expect(link.url.origin).toBe(PORTAL_URL);
    // Only the hash is stored.
    const stored = await h.database.db.userToken.findFirstOrThrow({ where: { user: { email } } });
    expect(stored.hash).toBe(hashSecret(link.token));
    expect(JSON.stringify(stored)).not.toContain(link.token);

    const early = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
    expect(early.status).toBe(403);
    expect(early.body.error?.message).toContain('confirm your email address first');

    const verified = await mutate(
      h.base,
      'portal.auth.verifyEmail',
      { token: link.token },
      { origin: PORTAL_ORIGIN },
    );
    expect(dataOf(verified)).toMatchObject({ signedIn: true, status: 'active' });
    const cookie = sessionCookieFrom(verified.headers, PORTAL_COOKIE);
    expect(cookie?.attributes).toContain('HttpOnly');
    expect(cookie?.attributes).toContain('SameSite=Lax');
    const me = await query(h.base, 'portal.auth.me', undefined, { cookie: cookie?.pair ?? '' });
    expect(dataOf(me)).toMatchObject({ user: { email, kind: 'developer' }, via: 'session' });

    const reused = await mutate(h.base, 'portal.auth.verifyEmail', { token: link.token });
    expect(reused.status).toBe(400);
    expect(reused.body.error?.message).toContain('was used already');

    const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(sessionCookieFrom(signIn.headers, PORTAL_COOKIE)).not.toBeNull();
    expect(sessionCookieFrom(signIn.headers)).toBeNull();
  });

  it("the portal's cookie does not authenticate console procedures, nor the console's portal ones", async () => {
    const dev = await h.verifiedDeveloper();
    const consoleMe = await query(h.base, 'auth.me', undefined, { cookie: dev.cookie });
    expect(consoleMe.status).toBe(401);
    const ownerInPortal = await query(h.base, 'portal.auth.me', undefined, {
      cookie: h.ownerCookie,
    });
    expect(ownerInPortal.status).toBe(401);
  });

  it('an operator account is sent to the console, and a developer session gets FORBIDDEN from portalAdmin', async () => {
    const operator = await mutate(h.base, 'portal.auth.signIn', {
      email: 'owner@example.test',
      password: PASSWORD,
    });
    expect(operator.status).toBe(403);
    expect(operator.body.error?.message).toContain('operator account');
    const dev = await h.verifiedDeveloper();
    const developerPat = await h.database.db.user.findUniqueOrThrow({ where: { id: dev.userId } });
    expect(developerPat.kind).toBe('developer');
    const signIn = await mutate(h.base, 'auth.signIn', { email: dev.email, password: PASSWORD });
    const consoleCookie = sessionCookieFrom(signIn.headers)?.pair ?? '';
    const admin = await query(h.base, 'portalAdmin.settings.get', undefined, {
      cookie: consoleCookie,
    });
    expect(admin.status).toBe(403);
  });

  it('a new verification link replaces the old one, which then fails', async () => {
    const email = uniqueEmail('resend');
    const first = h.mailbox.received.length;
    await mutate(h.base, 'portal.auth.signUp', { email, password: PASSWORD, name: 'R' });
    const old = h.mailbox.linkIn(await h.mailbox.waitFor(email, { since: first }), 'verify-email');
    // Resends are spaced a minute apart per account.
    h.advanceClock(61_000);
    const second = h.mailbox.received.length;
    const resend = await mutate(h.base, 'portal.auth.resendVerification', { email });
    expect(dataOf<{ message: string }>(resend).message).toContain(email);
    const fresh = h.mailbox.linkIn(
      await h.mailbox.waitFor(email, { since: second }),
      'verify-email',
    );
    expect(fresh.token).not.toBe(old.token);
    const stale = await mutate(h.base, 'portal.auth.verifyEmail', { token: old.token });
    expect(stale.status).toBe(400);
    expect(stale.body.error?.message).toContain('used already or replaced');
    expect(await h.database.db.user.findUniqueOrThrow({ where: { email } })).toMatchObject({
      emailVerifiedAt: null,
    });
    const ok = await mutate(h.base, 'portal.auth.verifyEmail', { token: fresh.token });
    expect(ok.status).toBe(200);
  });

  it('resend and forgot-password answer the same for unknown emails and send nothing', async () => {
    const before = h.mailbox.received.length;
    const unknown = uniqueEmail('nobody');
    const resend = await mutate(h.base, 'portal.auth.resendVerification', { email: unknown });
    const forgot = await mutate(h.base, 'portal.auth.forgotPassword', { email: unknown });
    expect(resend.status).toBe(200);
    expect(forgot.status).toBe(200);
    expect(h.mailbox.received.length).toBe(before);
  });
});

describe('accounts made outside the portal', () => {
  it('a developer created as the dev seed does it (kind developer, nothing else) signs in to the portal', async () => {
    const email = uniqueEmail('seeded');
    await h.database.db.user.create({
      data: {
        id: `usr_seeded${Date.now()}`,
        email,
        name: 'Demo developer',
        passwordHash: await hashPassword(PASSWORD),
        kind: 'developer',
      },
    });
    const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
    expect(signIn.status).toBe(200);
    expect(dataOf(signIn)).toMatchObject({ user: { email, status: 'active' } });
  });
});

describe('passwords', () => {
  it('a reset link sets a new password once, signs every session out, and is refused when reused', async () => {
    const dev = await h.verifiedDeveloper('reset');
    const since = h.mailbox.received.length;
    await mutate(h.base, 'portal.auth.forgotPassword', { email: dev.email });
    const mail = await h.mailbox.waitFor(dev.email, { since });
    expect(mail.subject).toContain('reset your password');
    const { token } = h.mailbox.linkIn(mail, 'reset-password');
    const reset = await mutate(h.base, 'portal.auth.resetPassword', {
      token,
      password: 'a brand new password',
    });
    expect(dataOf(reset)).toMatchObject({ reset: true, email: dev.email });
    expect((await query(h.base, 'portal.auth.me', undefined, { cookie: dev.cookie })).status).toBe(
      401,
    );
    const again = await mutate(h.base, 'portal.auth.resetPassword', {
      token,
      password: 'yet another password',
    });
    expect(again.status).toBe(400);
    expect(again.body.error?.message).toContain('was used already');
    const old = await mutate(h.base, 'portal.auth.signIn', {
      email: dev.email,
      password: PASSWORD,
    });
    expect(old.status).toBe(401);
    const fresh = await mutate(h.base, 'portal.auth.signIn', {
      email: dev.email,
      password: 'a brand new password',
    });
    expect(fresh.status).toBe(200);
  });

  it('two racing uses of one reset link: exactly one sets the password', async () => {
    const dev = await h.verifiedDeveloper('race');
    const since = h.mailbox.received.length;
    await mutate(h.base, 'portal.auth.forgotPassword', { email: dev.email });
    const { token } = h.mailbox.linkIn(
      await h.mailbox.waitFor(dev.email, { since }),
      'reset-password',
    );
    const replies = await Promise.all(
      ['first racing password', 'second racing password'].map((password) =>
        mutate(h.base, 'portal.auth.resetPassword', { token, password }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400]);
    const winner = replies[0]?.status === 200 ? 'first racing password' : 'second racing password';
    const loser = winner.startsWith('first') ? 'second racing password' : 'first racing password';
    expect(
      (await mutate(h.base, 'portal.auth.signIn', { email: dev.email, password: winner })).status,
    ).toBe(200);
    expect(
      (await mutate(h.base, 'portal.auth.signIn', { email: dev.email, password: loser })).status,
    ).toBe(401);
  });

  it('an expired reset link is refused with what to do, and the password stays', async () => {
    const dev = await h.verifiedDeveloper('expired');
    const since = h.mailbox.received.length;
    await mutate(h.base, 'portal.auth.forgotPassword', { email: dev.email });
    const { token } = h.mailbox.linkIn(
      await h.mailbox.waitFor(dev.email, { since }),
      'reset-password',
    );
    const before = await h.database.db.user.findUniqueOrThrow({ where: { id: dev.userId } });
    h.advanceClock(61 * 60_000);
    const expired = await mutate(h.base, 'portal.auth.resetPassword', {
      token,
      password: 'a brand new password',
    });
    expect(expired.status).toBe(400);
    expect(expired.body.error?.message).toBe(
      'token: this password reset link has expired; ask for a new one with "forgot password"',
    );
    const after = await h.database.db.user.findUniqueOrThrow({ where: { id: dev.userId } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(
      await h.database.db.userToken.count({ where: { userId: dev.userId, usedAt: { not: null } } }),
    ).toBe(1); // only the verification link was spent
  });

  it('changing the password keeps this session and signs the others out', async () => {
    const dev = await h.verifiedDeveloper('change');
    const other = await mutate(h.base, 'portal.auth.signIn', {
      email: dev.email,
      password: PASSWORD,
    });
    const otherCookie = sessionCookieFrom(other.headers, PORTAL_COOKIE)?.pair ?? '';
    const wrong = await mutate(
      h.base,
      'portal.auth.changePassword',
      { currentPassword: 'not it at all', newPassword: 'a changed password' },
      { cookie: dev.cookie },
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.message).toContain('currentPassword');
    const changed = await mutate(
      h.base,
      'portal.auth.changePassword',
      { currentPassword: PASSWORD, newPassword: 'a changed password' },
      { cookie: dev.cookie, origin: PORTAL_ORIGIN },
    );
    expect(dataOf(changed)).toMatchObject({ changed: true, revokedSessions: 1 });
    expect((await query(h.base, 'portal.auth.me', undefined, { cookie: dev.cookie })).status).toBe(
      200,
    );
    expect((await query(h.base, 'portal.auth.me', undefined, { cookie: otherCookie })).status).toBe(
      401,
    );
    const hash = (await h.database.db.user.findUniqueOrThrow({ where: { id: dev.userId } }))
      .passwordHash;
    expect(hash.startsWith('$argon2id$')).toBe(true);
  });

  it('portal sign-in is throttled after repeated failures', async () => {
    const dev = await h.verifiedDeveloper('throttle');
    for (let i = 0; i < 5; i++) {
      const reply = await mutate(h.base, 'portal.auth.signIn', {
        email: dev.email,
        password: `wrong password ${i}`,
      });
      expect(reply.status).toBe(401);
    }
    const locked = await mutate(h.base, 'portal.auth.signIn', {
      email: dev.email,
      password: PASSWORD,
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('sign-up modes', () => {
  it('approval: the verified developer waits; an operator approves and sign-in works', async () => {
    await setSignUpMode('approval');
    try {
      const email = uniqueEmail('approval');
      const since = h.mailbox.received.length;
      const signUp = await mutate(h.base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: 'Waiting',
      });
      expect(dataOf(signUp)).toMatchObject({ user: { status: 'pending' }, next: 'verify_email' });
      const { token } = h.mailbox.linkIn(await h.mailbox.waitFor(email, { since }), 'verify-email');
      const verified = await mutate(h.base, 'portal.auth.verifyEmail', { token });
      expect(dataOf(verified)).toMatchObject({ signedIn: false, status: 'pending' });
      expect(sessionCookieFrom(verified.headers, PORTAL_COOKIE)).toBeNull();
      const waiting = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
      expect(waiting.status).toBe(403);
      expect(waiting.body.error?.message).toContain("waiting for an operator's approval");

      const pending = dataOf<{ id: string; email: string }[]>(
        await query(
          h.base,
          'portalAdmin.developers.list',
          { status: 'pending' },
          {
            cookie: h.ownerCookie,
          },
        ),
      );
      const row = pending.find((d) => d.email === email);
      expect(row).toBeDefined();
      const decisionSince = h.mailbox.received.length;
      const approved = await mutate(
        h.base,
        'portalAdmin.developers.approve',
        { id: row?.id },
        { cookie: h.ownerCookie },
      );
      expect(dataOf(approved)).toMatchObject({ status: 'active' });
      const decision = await h.mailbox.waitFor(email, { since: decisionSince });
      expect(decision.subject).toContain('approved');
      const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
      expect(signIn.status).toBe(200);
    } finally {
      await setSignUpMode('open');
    }
  });

  it('approval: a rejected sign-up cannot sign in', async () => {
    await setSignUpMode('approval');
    try {
      const email = uniqueEmail('rejected');
      const signUp = await mutate(h.base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: 'Declined',
      });
      const { user } = dataOf<{ user: { id: string } }>(signUp);
      const rejected = await mutate(
        h.base,
        'portalAdmin.developers.reject',
        { id: user.id },
        { cookie: h.ownerCookie },
      );
      expect(dataOf(rejected)).toMatchObject({ status: 'rejected' });
      await h.database.db.user.update({
        where: { id: user.id },
        data: { emailVerifiedAt: new Date() },
      });
      const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
      expect(signIn.status).toBe(403);
      expect(signIn.body.error?.message).toContain('declined');
    } finally {
      await setSignUpMode('open');
    }
  });

  it('approval: an invited developer skips both verification and approval', async () => {
    await setSignUpMode('approval');
    try {
      const email = uniqueEmail('vip');
      const invited = dataOf<{ inviteUrl: string }>(
        await mutate(h.base, 'portalAdmin.developers.invite', { email }, { cookie: h.ownerCookie }),
      );
      const token = new URL(invited.inviteUrl).searchParams.get('token') ?? '';
      const signUp = await mutate(h.base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: 'Invited',
        inviteToken: token,
      });
      expect(dataOf(signUp)).toMatchObject({ next: 'sign_in', user: { status: 'active' } });
      expect(
        (await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD })).status,
      ).toBe(200);
    } finally {
      await setSignUpMode('open');
    }
  });

  it('invite-only: sign-up without an invitation is refused and nothing is written', async () => {
    await setSignUpMode('invite');
    try {
      const email = uniqueEmail('uninvited');
      const users = await h.database.db.user.count();
      const tokens = await h.database.db.userToken.count();
      const mails = h.mailbox.received.length;
      const refused = await mutate(h.base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: 'Uninvited',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error?.message).toContain('inviteToken: this portal is invite-only');
      expect(await h.database.db.user.count()).toBe(users);
      expect(await h.database.db.userToken.count()).toBe(tokens);
      expect(h.mailbox.received.length).toBe(mails);
    } finally {
      await setSignUpMode('open');
    }
  });

  it('invite-only: the mailed invitation signs up that address only, verified and active', async () => {
    await setSignUpMode('invite');
    try {
      const email = uniqueEmail('invited');
      const since = h.mailbox.received.length;
      const invited = await mutate(
        h.base,
        'portalAdmin.developers.invite',
        { email },
        { cookie: h.ownerCookie },
      );
      expect(dataOf(invited)).toMatchObject({ invite: { email }, mailSent: true });
      const mail = await h.mailbox.waitFor(email, { since });
      const { token } = h.mailbox.linkIn(mail, 'sign-up');
      const wrongAddress = await mutate(h.base, 'portal.auth.signUp', {
        email: uniqueEmail('other'),
        password: PASSWORD,
        name: 'Other',
        inviteToken: token,
      });
      expect(wrongAddress.status).toBe(400);
      expect(wrongAddress.body.error?.message).toContain('this invitation is for another address');
      const signUp = await mutate(h.base, 'portal.auth.signUp', {
        email,
        password: PASSWORD,
        name: 'Invited',
        inviteToken: token,
      });
      expect(dataOf(signUp)).toMatchObject({ next: 'sign_in', user: { status: 'active' } });
      const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
      expect(signIn.status).toBe(200);
      const reused = await mutate(h.base, 'portal.auth.signUp', {
        email: uniqueEmail('again'),
        password: PASSWORD,
        name: 'Again',
        inviteToken: token,
      });
      expect(reused.status).toBe(400);
    } finally {
      await setSignUpMode('open');
    }
  });
});

describe('account deletion and origins', () => {
  it('deleting the account asks for the password, removes the apps and logs their keys as gone', async () => {
    const dev = await h.verifiedDeveloper('leaver');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `leaver-app-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const key = dataOf<{ key: { id: string } }>(
      await mutate(
        h.base,
        'portal.keys.create',
        { appId: app.id, name: 'k' },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const wrong = await mutate(
      h.base,
      'portal.auth.deleteAccount',
      { password: 'not my password' },
      { cookie: dev.cookie },
    );
    expect(wrong.status).toBe(400);
    expect(await h.database.db.consumer.count({ where: { id: app.id } })).toBe(1);
    const deleted = await mutate(
      h.base,
      'portal.auth.deleteAccount',
      { password: PASSWORD },
      { cookie: dev.cookie, origin: PORTAL_ORIGIN },
    );
    expect(dataOf(deleted)).toMatchObject({ deleted: true, deletedApps: 1 });
    expect(await h.database.db.user.count({ where: { id: dev.userId } })).toBe(0);
    expect(await h.database.db.consumer.count({ where: { id: app.id } })).toBe(0);
    const last = await h.database.db.credentialChange.findFirstOrThrow({
      where: { entityId: key.key.id },
      orderBy: { seq: 'desc' },
    });
    expect(last.type).toBe('key.delete');
    const signIn = await mutate(h.base, 'portal.auth.signIn', {
      email: dev.email,
      password: PASSWORD,
    });
    expect(signIn.status).toBe(401);
  });

  it("mutations from the portal's origin are accepted; other origins are refused", async () => {
    const dev = await h.verifiedDeveloper('origin');
    const name = `origin-app-${Date.now()}`;
    const evil = await mutate(
      h.base,
      'portal.apps.create',
      { name },
      { cookie: dev.cookie, origin: 'https://evil.example' },
    );
    expect(evil.status).toBe(403);
    expect(evil.body.detail).toContain('PORTICO_PORTAL_ORIGINS');
    expect(await h.database.db.consumer.count({ where: { name } })).toBe(0);
    const fromPortal = await mutate(
      h.base,
      'portal.apps.create',
      { name },
      { cookie: dev.cookie, origin: PORTAL_ORIGIN },
    );
    expect(fromPortal.status).toBe(200);
  });
});
