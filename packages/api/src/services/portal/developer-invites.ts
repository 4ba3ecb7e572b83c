import { randomBytes } from 'node:crypto';
import type { DeveloperInvite, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { hashSecret } from '@portico/keys';
import { assertEmailFree } from '../auth/accounts';
import { badRequest } from '../shared/domain-errors';
import { pickColumns } from '../shared/pick-columns';

export const DEVELOPER_INVITE_TTL_DAYS = 7;

export interface DeveloperInviteView {
  id: string;
  email: string;
  invitedBy: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  createdAt: Date;
}

function toView(row: DeveloperInvite): DeveloperInviteView {
  return pickColumns(row, ['id', 'email', 'invitedBy', 'expiresAt', 'acceptedAt', 'createdAt']);
}

/** Invites `email` to sign up; the clear token goes into the mailed link only. */
export async function createDeveloperInvite(
  tx: Prisma.TransactionClient,
  email: string,
  invitedBy: string,
  now: Date,
): Promise<{ invite: DeveloperInviteView; token: string }> {
  await assertEmailFree(tx, email);
  const token = `pdi_${randomBytes(32).toString('base64url')}`;
  const row = await tx.developerInvite.create({
    data: {
      id: newId('invite', now.getTime()),
      email,
      hash: hashSecret(token),
      invitedBy,
      expiresAt: new Date(now.getTime() + DEVELOPER_INVITE_TTL_DAYS * 86_400_000),
      createdAt: now,
    },
  });
  return { invite: toView(row), token };
}

export async function listDeveloperInvites(
  tx: Prisma.TransactionClient,
): Promise<DeveloperInviteView[]> {
  const rows = await tx.developerInvite.findMany({ orderBy: { createdAt: 'desc' }, take: 500 });
  return rows.map(toView);
}

/** Spends the invitation for `email`; each way it can be wrong gets its own message. */
export async function claimDeveloperInvite(
  tx: Prisma.TransactionClient,
  token: string,
  email: string,
  now: Date,
): Promise<DeveloperInviteView> {
  const row = await tx.developerInvite.findUnique({ where: { hash: hashSecret(token) } });
  if (!row)
    throw badRequest(
      'inviteToken: this invitation is not valid; use the link from your invitation mail',
    );
  if (row.acceptedAt) throw badRequest('inviteToken: this invitation was used already');
  if (row.expiresAt <= now)
    throw badRequest(
      "inviteToken: this invitation has expired; ask the portal's operators for a new one",
    );
  if (row.email !== email)
    throw badRequest(
      `email: this invitation is for another address; sign up with the address it was sent to`,
    );
  const claimed = await tx.developerInvite.updateMany({
    where: { id: row.id, acceptedAt: null },
    data: { acceptedAt: now },
  });
  if (claimed.count !== 1) throw badRequest('inviteToken: this invitation was used already');
  return toView({ ...row, acceptedAt: now });
}
