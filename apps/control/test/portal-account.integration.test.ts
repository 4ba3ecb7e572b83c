import { describe, expect, it } from 'vitest';
import { dataOf, mutate, query, sessionCookieFrom } from './http-client';
import { createApp, resetToken } from './portal-accounts';
import { PASSWORD, PORTAL_COOKIE, PORTAL_ORIGIN, type PortalHarness } from './portal-harness';
import { usePortalHarness } from './use-portal-harness';

let h: PortalHarness;
usePortalHarness((started) => {
  h = started;
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
    const token = await resetToken(h, dev.email);
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
    const token = await resetToken(h, dev.email);
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

describe('account deletion and origins', () => {
  it('deleting the account asks for the password, removes the apps and logs their keys as gone', async () => {
    const dev = await h.verifiedDeveloper('leaver');
    const app = await createApp(h, dev, `leaver-app-${Date.now()}`);
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
