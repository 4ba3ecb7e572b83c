import { randomBytes } from 'node:crypto';
import type { Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { hashSecret } from '@portico/keys';
import { badRequest } from '../shared/domain-errors';

export type UserTokenPurpose = 'verify_email' | 'reset_password';

/** How long a mailed link works. */
export const USER_TOKEN_TTL_MS: Record<UserTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

const WHAT: Record<UserTokenPurpose, string> = {
  verify_email: 'verification link',
  reset_password: 'password reset link',
};

const ASK_AGAIN: Record<UserTokenPurpose, string> = {
  verify_email: 'ask for a new one with "resend verification"',
  reset_password: 'ask for a new one with "forgot password"',
};

/**
 * Issues a single-use token for `userId` and returns it in clear (it goes into a mailed link and
 * nowhere else); only its sha256 is stored. Older unused tokens of the same purpose are spent, so
 * only the newest link works.
 */
export async function issueUserToken(
  tx: Prisma.TransactionClient,
  userId: string,
  purpose: UserTokenPurpose,
  now: Date,
): Promise<string> {
  await tx.userToken.updateMany({
    where: { userId, purpose, usedAt: null },
    data: { usedAt: now },
  });
  const clear = `ptk_${randomBytes(32).toString('base64url')}`;
  await tx.userToken.create({
    data: {
      id: newId('token', now.getTime()),
      userId,
      purpose,
      hash: hashSecret(clear),
      expiresAt: new Date(now.getTime() + USER_TOKEN_TTL_MS[purpose]),
      createdAt: now,
    },
  });
  return clear;
}

/**
 * Spends a token and returns whose it was. Unknown, used and expired tokens are refused with a
 * message saying which, and what to do; a guarded update makes two racing uses fail but one.
 */
export async function consumeUserToken(
  tx: Prisma.TransactionClient,
  token: string,
  purpose: UserTokenPurpose,
  now: Date,
): Promise<string> {
  const row = await tx.userToken.findUnique({ where: { hash: hashSecret(token) } });
  const what = WHAT[purpose];
  if (!row || row.purpose !== purpose)
    throw badRequest(`token: this ${what} is not valid; ${ASK_AGAIN[purpose]}`);
  if (row.usedAt)
    throw badRequest(`token: this ${what} was used already or replaced; ${ASK_AGAIN[purpose]}`);
  if (row.expiresAt <= now)
    throw badRequest(`token: this ${what} has expired; ${ASK_AGAIN[purpose]}`);
  const claimed = await tx.userToken.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: now },
  });
  if (claimed.count !== 1)
    throw badRequest(`token: this ${what} was used already; ${ASK_AGAIN[purpose]}`);
  return row.userId;
}

/** When the newest token of `purpose` was issued, to space out resends. */
export async function lastUserTokenIssuedAt(
  tx: Prisma.TransactionClient,
  userId: string,
  purpose: UserTokenPurpose,
): Promise<Date | null> {
  const row = await tx.userToken.findFirst({
    where: { userId, purpose },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  return row?.createdAt ?? null;
}
