import type { Prisma } from '@portico/db';
import { hashSecret } from '@portico/keys';
import { conflict, PorticoError } from '../shared/domain-errors';
import { insertUser } from '../users/insert-user';
import { toUserView, type UserView } from '../users/user-view';
import { verifyPassword } from './passwords';

/** Serialises first-owner creation (setup and bootstrap) so two racing calls make one owner. */
const FIRST_OWNER_LOCK_KEY = 7_413_220_101;

export async function lockFirstOwner(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_OWNER_LOCK_KEY}::bigint)`;
}

export async function operatorCount(tx: Prisma.TransactionClient): Promise<number> {
  return tx.user.count({ where: { kind: 'operator' } });
}

/** Passwords are hashed before the transaction starts, so no connection waits on Argon2. */
export interface NewAccount {
  email: string;
  passwordHash: string;
  name: string;
}

/** Refuses an email that already has an account (CONFLICT naming the field). */
export async function assertEmailFree(tx: Prisma.TransactionClient, email: string): Promise<void> {
  const existing = await tx.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw conflict(`email: an account with email ${email} already exists`);
}

/** Creates the first owner; refused once any operator exists. */
export async function createFirstOwner(
  tx: Prisma.TransactionClient,
  input: NewAccount,
  now: Date,
): Promise<UserView> {
  await lockFirstOwner(tx);
  if ((await operatorCount(tx)) > 0) {
    throw new PorticoError(
      'CTL_PRECONDITION_FAILED',
      'setup is already done: an operator exists; sign in instead',
    );
  }
  await assertEmailFree(tx, input.email);
  const user = await insertUser(
    tx,
    {
      email: input.email,
      name: input.name,
      passwordHash: input.passwordHash,
      kind: 'operator',
      role: 'owner',
    },
    now,
  );
  return toUserView(user);
}

const BAD_CREDENTIALS = 'email or password is wrong, or the account is disabled';

/** The user whose password matches; one message for every failure so nothing leaks which part was wrong. */
export async function checkCredentials(
  tx: Prisma.TransactionClient,
  email: string,
  password: string,
): Promise<UserView> {
  const user = await tx.user.findUnique({ where: { email } });
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok || user.disabledAt) throw new PorticoError('CTL_UNAUTHORIZED', BAD_CREDENTIALS);
  // Said only to someone who knows the password, so it reveals nothing to a guesser.
  const refusal = accountNotUsableReason(user);
  if (refusal) throw new PorticoError('CTL_FORBIDDEN', refusal);
  return toUserView(user);
}

/** Why an account with the right password may not sign in yet (or any more); null when it may. */
export function accountNotUsableReason(user: {
  kind: 'operator' | 'developer';
  status: 'active' | 'pending' | 'rejected' | 'suspended';
  emailVerifiedAt: Date | null;
}): string | null {
  switch (user.status) {
    case 'pending':
      return "status: this sign-up is waiting for an operator's approval; you will get a mail once it is decided";
    case 'rejected':
      return 'status: this sign-up was declined by an operator';
    case 'suspended':
      return "status: this account is suspended; contact the portal's operators";
    case 'active':
      break;
    default:
      user.status satisfies never;
  }
  if (user.kind === 'developer' && user.emailVerifiedAt === null)
    return 'email: confirm your email address first with the link we mailed you, or ask for a new link (resend verification)';
  return null;
}

export interface InviteAcceptance {
  token: string;
  passwordHash: string;
  name: string;
}

/** Turns a pending invite into an operator account with the invited role. */
export async function acceptInvite(
  tx: Prisma.TransactionClient,
  input: InviteAcceptance,
  now: Date,
): Promise<UserView> {
  const invite = await tx.invite.findUnique({ where: { hash: hashSecret(input.token) } });
  if (!invite || invite.acceptedAt || invite.expiresAt <= now) {
    throw new PorticoError(
      'CTL_NOT_FOUND',
      'token: this invite does not exist, was used already or has expired',
    );
  }
  await assertEmailFree(tx, invite.email);
  // Guarded update: two racing accepts of one invite cannot both succeed.
  const claimed = await tx.invite.updateMany({
    where: { id: invite.id, acceptedAt: null },
    data: { acceptedAt: now },
  });
  if (claimed.count !== 1)
    throw new PorticoError('CTL_NOT_FOUND', 'token: this invite was used already');
  const user = await insertUser(
    tx,
    {
      email: invite.email,
      name: input.name,
      passwordHash: input.passwordHash,
      kind: 'operator',
      role: invite.role,
    },
    now,
  );
  return toUserView(user);
}
