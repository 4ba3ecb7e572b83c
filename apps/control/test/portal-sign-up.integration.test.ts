import { hashPassword } from '@portico/api';
import { hashSecret } from '@portico/keys';
import { describe, expect, it } from 'vitest';
import { dataOf, mutate, query, sessionCookieFrom } from './http-client';
import { setSignUpMode, uniqueEmail } from './portal-accounts';
import {
  PASSWORD,
  PORTAL_COOKIE,
  PORTAL_ORIGIN,
  PORTAL_URL,
  type PortalHarness,
} from './portal-harness';
import { usePortalHarness } from './use-portal-harness';

let h: PortalHarness;
usePortalHarness((started) => {
  h = started;
});

describe('portal sign-up in open mode, verified through a real SMTP server', () => {
  it('signs nobody in, mails a single-use link to the portal, and the link signs the developer in', async () => {
    await setSignUpMode(h, 'open');
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
