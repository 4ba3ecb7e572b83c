import { randomBytes } from 'node:crypto';
import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { hashSecret } from '@portico/keys';
import type { OperatorRole } from '../../trpc';
import { revokeUserSessions } from '../auth/sessions';
import { conflict, PorticoError } from '../shared/domain-errors';
import { loadUser } from './load-user';
import { toUserView, type UserView } from './user-view';

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Who is acting, for the rules about owners. */
export interface MemberManager {
  userId: string;
  role: OperatorRole;
}

function assertMayTouchOwner(manager: MemberManager, what: string): void {
  if (manager.role !== 'owner')
    throw new PorticoError('CTL_FORBIDDEN', `only an owner may ${what}`);
}

export async function listUsers(tx: Prisma.TransactionClient): Promise<UserView[]> {
  const users = await tx.user.findMany({ orderBy: { createdAt: 'asc' } });
  return users.map(toUserView);
}

export interface CreatedInvite {
  id: string;
  email: string;
  role: OperatorRole;
  expiresAt: Date;
  /** Shown once; only its hash is stored. */
  inviteToken: string;
}

export async function createInvite(
  tx: Prisma.TransactionClient,
  manager: MemberManager,
  input: { email: string; role: OperatorRole },
  now: Date,
): Promise<CreatedInvite> {
  if (input.role === 'owner') assertMayTouchOwner(manager, 'invite another owner');
  const existing = await tx.user.findUnique({
    where: { email: input.email },
    select: { id: true },
  });
  if (existing) throw conflict(`email: an account with email ${input.email} already exists`);
  const inviteToken = `inv_${randomBytes(32).toString('base64url')}`;
  const invite = await tx.invite.create({
    data: {
      id: newId('invite', now.getTime()),
      email: input.email,
      role: input.role,
      hash: hashSecret(inviteToken),
      invitedBy: manager.userId,
      expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
    },
  });
  return {
    id: invite.id,
    email: invite.email,
    role: invite.role,
    expiresAt: invite.expiresAt,
    inviteToken,
  };
}

async function assertAnotherOwnerRemains(
  tx: Prisma.TransactionClient,
  userId: string,
): Promise<void> {
  const others = await tx.user.count({
    where: { role: 'owner', disabledAt: null, id: { not: userId } },
  });
  if (others === 0) {
    throw new PorticoError(
      'CTL_PRECONDITION_FAILED',
      'this is the last owner; make someone else owner first',
    );
  }
}

export async function updateRole(
  tx: Prisma.TransactionClient,
  manager: MemberManager,
  input: { id: string; role: OperatorRole },
): Promise<{ before: UserView; after: UserView }> {
  const user = await loadUser(tx, input.id);
  if (user.kind !== 'operator') {
    throw new PorticoError('CTL_INVALID_INPUT', 'id: developers have no operator role');
  }
  if (user.role === 'owner' || input.role === 'owner')
    assertMayTouchOwner(manager, 'grant or remove the owner role');
  if (user.role === 'owner' && input.role !== 'owner') await assertAnotherOwnerRemains(tx, user.id);
  const updated = await tx.user.update({ where: { id: user.id }, data: { role: input.role } });
  return { before: toUserView(user), after: toUserView(updated) };
}

export async function disableUser(
  tx: Prisma.TransactionClient,
  manager: MemberManager,
  id: string,
  now: Date,
): Promise<{ before: UserView; after: UserView }> {
  if (id === manager.userId)
    throw new PorticoError('CTL_INVALID_INPUT', 'id: you cannot disable yourself');
  const user = await loadUser(tx, id);
  if (user.role === 'owner') {
    assertMayTouchOwner(manager, 'disable an owner');
    await assertAnotherOwnerRemains(tx, user.id);
  }
  const updated = await tx.user.update({
    where: { id },
    data: { disabledAt: user.disabledAt ?? now },
  });
  await revokeUserSessions(tx, id, now);
  await tx.personalAccessToken.updateMany({
    where: { userId: id, revokedAt: null },
    data: { revokedAt: now },
  });
  return { before: toUserView(user), after: toUserView(updated) };
}
