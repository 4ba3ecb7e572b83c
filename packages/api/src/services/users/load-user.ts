import type { Prisma, User } from '@portico/db';
import { notFound } from '../shared/domain-errors';

/** The user with `id`; NOT_FOUND when there is none (never created, or deleted meanwhile). */
export async function loadUser(tx: Prisma.TransactionClient, id: string): Promise<User> {
  const user = await tx.user.findUnique({ where: { id } });
  if (!user) throw notFound('user', id);
  return user;
}
