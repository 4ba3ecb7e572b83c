import { TRPCError } from '@trpc/server';
import { verifyPassword } from '../../../services/auth/passwords';
import type { ApiContext } from '../../../trpc';

export interface PasswordConfirmation {
  userId: string;
  password: string;
  /** The refusal's message when the password is wrong, naming the field and what was not done. */
  refusal: string;
}

/** Refuses (BAD_REQUEST) unless `password` is the account's current one. */
export async function confirmPassword(
  ctx: Pick<ApiContext, 'db'>,
  { userId, password, refusal }: PasswordConfirmation,
): Promise<void> {
  const current = await ctx.db.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true },
  });
  if (!(await verifyPassword(current?.passwordHash ?? null, password))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: refusal });
  }
}
