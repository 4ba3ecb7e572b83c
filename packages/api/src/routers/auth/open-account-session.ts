import type { Prisma } from '@portico/db';
import { recordAudit } from '../../audit/record-audit';
import { hashPassword } from '../../services/auth/passwords';
import { startSession } from '../../services/auth/sessions';
import type { UserView } from '../../services/users/user-view';
import type { ApiContext } from '../../trpc';

export interface AccountOpening {
  password: string;
  /** The audit action recorded with the new account. */
  auditAction: string;
  /** Creates (or activates) the account inside the transaction. */
  open: (tx: Prisma.TransactionClient, passwordHash: string, now: Date) => Promise<UserView>;
}

/**
 * Opens an operator account and signs it in, in one transaction with its audit entry; the
 * session cookie is set once the transaction has committed.
 */
export async function openAccountSession(
  ctx: ApiContext,
  { password, auditAction, open }: AccountOpening,
): Promise<{ user: UserView }> {
  const now = ctx.now();
  // Hashed before the transaction so no connection waits on Argon2.
  const passwordHash = await hashPassword(password);
  const { user, session } = await ctx.db.$transaction(async (tx) => {
    const user = await open(tx, passwordHash, now);
    const session = await startSession(tx, user.id, { ...ctx, now });
    await recordAudit(tx, ctx, {
      action: auditAction,
      targetType: 'user',
      targetId: user.id,
      after: user,
    });
    return { user, session };
  });
  ctx.cookies.setSession(session.cookie, session.expiresAt);
  return { user };
}
