import type { PersonalAccessToken, Prisma } from '@portico/db';
import { newId } from '@portico/id';
import { generateSecret } from '@portico/keys';
import { notFound } from '../shared/domain-errors';
import { pickColumns } from '../shared/pick-columns';

export interface PersonalTokenView {
  id: string;
  name: string;
  start: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export function toPersonalTokenView(t: PersonalAccessToken): PersonalTokenView {
  return pickColumns(t, [
    'id',
    'name',
    'start',
    'expiresAt',
    'lastUsedAt',
    'revokedAt',
    'createdAt',
  ]);
}

export async function listPersonalTokens(
  tx: Prisma.TransactionClient,
  userId: string,
): Promise<PersonalTokenView[]> {
  const tokens = await tx.personalAccessToken.findMany({
    where: { userId },
    orderBy: { createdAt: 'desc' },
  });
  return tokens.map(toPersonalTokenView);
}

/** Creates a `pat_` token for the caller; the clear token is returned here and never again. */
export async function createPersonalToken(
  tx: Prisma.TransactionClient,
  userId: string,
  input: { name: string; expiresInDays?: number | undefined },
  now: Date,
): Promise<{ token: string; record: PersonalTokenView }> {
  const secret = generateSecret('personalToken');
  const record = await tx.personalAccessToken.create({
    data: {
      id: newId('token', now.getTime()),
      userId,
      name: input.name,
      hash: secret.hash,
      start: secret.start,
      expiresAt:
        input.expiresInDays === undefined
          ? null
          : new Date(now.getTime() + input.expiresInDays * 86_400_000),
    },
  });
  return { token: secret.clear, record: toPersonalTokenView(record) };
}

/** Revokes one of the caller's own tokens; someone else's token is "not found". */
export async function revokePersonalToken(
  tx: Prisma.TransactionClient,
  userId: string,
  id: string,
  now: Date,
): Promise<{ before: PersonalTokenView; after: PersonalTokenView }> {
  const token = await tx.personalAccessToken.findUnique({ where: { id } });
  if (!token || token.userId !== userId) throw notFound('personal access token', id);
  const updated = await tx.personalAccessToken.update({
    where: { id },
    data: { revokedAt: token.revokedAt ?? now },
  });
  return { before: toPersonalTokenView(token), after: toPersonalTokenView(updated) };
}
