import type { Prisma } from '@portico/db';
import { assertEmailFree } from '../auth/accounts';
import { revokeUserSessions } from '../auth/sessions';
import { deleteConsumer } from '../consumers/consumers';
import { PorticoError } from '../shared/domain-errors';
import { insertUser } from '../users/insert-user';
import { loadUser } from '../users/load-user';
import { toUserView, type UserView } from '../users/user-view';
import { claimDeveloperInvite } from './developer-invites';
import { readPortalSettings } from './portal-settings';
import {
  consumeUserToken,
  issueUserToken,
  lastUserTokenIssuedAt,
  type UserTokenPurpose,
} from './user-tokens';

/** A new link of the same kind is mailed at most this often per account. */
export const RESEND_INTERVAL_MS = 60_000;

export interface DeveloperSignUp {
  email: string;
  name: string;
  /** Hashed before the transaction so no connection waits on Argon2. */
  passwordHash: string;
  inviteToken?: string | undefined;
}

export interface SignUpOutcome {
  user: UserView;
  /** Clear verification token to mail; null when the invitation already proved the address. */
  verificationToken: string | null;
}

/**
 * Creates a developer account as the portal's sign-up mode says: open (active once the email is
 * verified), approval (pending until an operator approves it) or invite (only with an invitation
 * for this address). An invitation proves the address and skips approval in every mode.
 */
export async function signUpDeveloper(
  tx: Prisma.TransactionClient,
  input: DeveloperSignUp,
  now: Date,
): Promise<SignUpOutcome> {
  const { signUpMode } = await readPortalSettings(tx);
  if (signUpMode === 'invite' && !input.inviteToken) {
    throw new PorticoError(
      'CTL_FORBIDDEN',
      "inviteToken: this portal is invite-only; sign up with the link from your invitation, or ask the portal's operators for one",
    );
  }
  await assertEmailFree(tx, input.email);
  const invited = input.inviteToken
    ? await claimDeveloperInvite(tx, input.inviteToken, input.email, now)
    : null;
  const user = await insertUser(
    tx,
    {
      email: input.email,
      name: input.name,
      passwordHash: input.passwordHash,
      kind: 'developer',
      status: signUpMode === 'approval' && !invited ? 'pending' : 'active',
      emailVerifiedAt: invited ? now : null,
      createdAt: now,
    },
    now,
  );
  const verificationToken = invited ? null : await issueUserToken(tx, user.id, 'verify_email', now);
  return { user: toUserView(user), verificationToken };
}

/** The account a mailed link was issued for, consuming the link's token (it works once). */
async function userOfLink(
  tx: Prisma.TransactionClient,
  link: { token: string; purpose: UserTokenPurpose; now: Date },
) {
  return loadUser(tx, await consumeUserToken(tx, link.token, link.purpose, link.now));
}

/** Follows a verification link: the address is confirmed (again, harmlessly, if it was). */
export async function verifyDeveloperEmail(
  tx: Prisma.TransactionClient,
  token: string,
  now: Date,
): Promise<UserView> {
  const user = await userOfLink(tx, { token, purpose: 'verify_email', now });
  const updated = user.emailVerifiedAt
    ? user
    : await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: now } });
  return toUserView(updated);
}

/**
 * The developer account a mailed link may be sent to, and a fresh token, or null (unknown email,
 * an operator, a declined sign-up, nothing to do, or a link mailed less than a minute ago). The
 * caller answers the same either way, so the answer says nothing about which emails exist.
 */
export async function prepareMailedLink(
  tx: Prisma.TransactionClient,
  email: string,
  purpose: 'verify_email' | 'reset_password',
  now: Date,
): Promise<{ user: UserView; token: string } | null> {
  const user = await tx.user.findUnique({ where: { email } });
  if (user?.kind !== 'developer' || user.status === 'rejected') return null;
  if (purpose === 'verify_email' && user.emailVerifiedAt !== null) return null;
  const last = await lastUserTokenIssuedAt(tx, user.id, purpose);
  if (last && now.getTime() - last.getTime() < RESEND_INTERVAL_MS) return null;
  const token = await issueUserToken(tx, user.id, purpose, now);
  return { user: toUserView(user), token };
}

/**
 * Follows a reset link: sets the new password and signs the account out everywhere. Following
 * the link also proves the address, so an unverified account becomes verified.
 */
export async function resetDeveloperPassword(
  tx: Prisma.TransactionClient,
  token: string,
  passwordHash: string,
  now: Date,
): Promise<UserView> {
  const current = await userOfLink(tx, { token, purpose: 'reset_password', now });
  const user = await tx.user.update({
    where: { id: current.id },
    data: { passwordHash, emailVerifiedAt: current.emailVerifiedAt ?? now },
  });
  await revokeUserSessions(tx, current.id, now);
  return toUserView(user);
}

/** Sets a new password and ends every other session and any outstanding reset link. */
export async function changeDeveloperPassword(
  tx: Prisma.TransactionClient,
  input: { userId: string; keepSessionId: string | null; passwordHash: string },
  now: Date,
): Promise<{ revokedSessions: number }> {
  await tx.user.update({ where: { id: input.userId }, data: { passwordHash: input.passwordHash } });
  const revoked = await tx.session.updateMany({
    where: {
      userId: input.userId,
      revokedAt: null,
      ...(input.keepSessionId ? { id: { not: input.keepSessionId } } : {}),
    },
    data: { revokedAt: now },
  });
  await tx.userToken.updateMany({
    where: { userId: input.userId, purpose: 'reset_password', usedAt: null },
    data: { usedAt: now },
  });
  return { revokedSessions: revoked.count };
}

/**
 * Deletes a developer and everything they own: each app goes through the consumer service, so
 * gateways hear that its keys and subscriptions are gone; sessions, tokens and links cascade.
 */
export async function deleteDeveloperAccount(
  tx: Prisma.TransactionClient,
  userId: string,
): Promise<{ user: UserView; deletedApps: string[] }> {
  const user = await loadUser(tx, userId);
  const apps = await tx.consumer.findMany({ where: { ownerId: userId }, select: { id: true } });
  for (const app of apps) await deleteConsumer(tx, userId, app.id);
  await tx.user.delete({ where: { id: userId } });
  return { user: toUserView(user), deletedApps: apps.map((a) => a.id) };
}
