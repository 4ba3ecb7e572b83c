import { describe, expect, it } from 'vitest';
import { dataOf, mutate, query, sessionCookieFrom } from './http-client';
import { inSignUpMode, uniqueEmail } from './portal-accounts';
import { PASSWORD, PORTAL_COOKIE, type PortalHarness } from './portal-harness';
import { usePortalHarness } from './use-portal-harness';

let h: PortalHarness;
usePortalHarness((started) => {
  h = started;
});

/** The portal's sign-up form sent with the shared test password, with an invitation's token or none. */
function submitSignUp(email: string, name: string, inviteToken?: string) {
  return mutate(h.base, 'portal.auth.signUp', {
    email,
    password: PASSWORD,
    name,
    ...(inviteToken === undefined ? {} : { inviteToken }),
  });
}

/** Signs up with an invitation: active at once, without verification or approval, and signs in. */
async function signUpInvited(email: string, inviteToken: string): Promise<void> {
  const signUp = await submitSignUp(email, 'Invited', inviteToken);
  expect(dataOf(signUp)).toMatchObject({ next: 'sign_in', user: { status: 'active' } });
  const signIn = await mutate(h.base, 'portal.auth.signIn', { email, password: PASSWORD });
  expect(signIn.status).toBe(200);
}

describe('sign-up modes', () => {
  it('approval: the verified developer waits; an operator approves and sign-in works', async () => {
    await inSignUpMode(h, 'approval', async () => {
      const email = uniqueEmail('approval');
      const since = h.mailbox.received.length;
      const signUp = await submitSignUp(email, 'Waiting');
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
    });
  });

  it('approval: a rejected sign-up cannot sign in', async () => {
    await inSignUpMode(h, 'approval', async () => {
      const email = uniqueEmail('rejected');
      const signUp = await submitSignUp(email, 'Declined');
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
    });
  });

  it('approval: an invited developer skips both verification and approval', async () => {
    await inSignUpMode(h, 'approval', async () => {
      const email = uniqueEmail('vip');
      const invited = dataOf<{ inviteUrl: string }>(
        await mutate(h.base, 'portalAdmin.developers.invite', { email }, { cookie: h.ownerCookie }),
      );
      const token = new URL(invited.inviteUrl).searchParams.get('token') ?? '';
      await signUpInvited(email, token);
    });
  });

  it('invite-only: sign-up without an invitation is refused and nothing is written', async () => {
    await inSignUpMode(h, 'invite', async () => {
      const email = uniqueEmail('uninvited');
      const users = await h.database.db.user.count();
      const tokens = await h.database.db.userToken.count();
      const mails = h.mailbox.received.length;
      const refused = await submitSignUp(email, 'Uninvited');
      expect(refused.status).toBe(403);
      expect(refused.body.error?.message).toContain('inviteToken: this portal is invite-only');
      expect(await h.database.db.user.count()).toBe(users);
      expect(await h.database.db.userToken.count()).toBe(tokens);
      expect(h.mailbox.received.length).toBe(mails);
    });
  });

  it('invite-only: the mailed invitation signs up that address only, verified and active', async () => {
    await inSignUpMode(h, 'invite', async () => {
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
      const wrongAddress = await submitSignUp(uniqueEmail('other'), 'Other', token);
      expect(wrongAddress.status).toBe(400);
      expect(wrongAddress.body.error?.message).toContain('this invitation is for another address');
      await signUpInvited(email, token);
      const reused = await submitSignUp(uniqueEmail('again'), 'Again', token);
      expect(reused.status).toBe(400);
    });
  });
});
