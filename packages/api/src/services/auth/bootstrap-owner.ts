import type { Db } from '@portico/db';
import { newId } from '@portico/id';
import { hashSecret, isWellFormedSecret } from '@portico/keys';
import { recordAudit } from '../../audit/record-audit';
import { lockFirstOwner, operatorCount } from './accounts';
import { unusablePasswordHash } from './passwords';

export const BOOTSTRAP_OWNER_EMAIL = 'admin@portico.local';

export type BootstrapOutcome = 'created' | 'operators-exist';

/**
 * First boot without a console: when no operator exists, creates the owner
 * `admin@portico.local` whose personal access token is `token` (a well-formed `pat_` secret).
 * The account has no usable password; it signs in with the token. Safe to run on every boot.
 */
export async function bootstrapOwner(
  db: Db,
  token: string,
  now: Date = new Date(),
): Promise<BootstrapOutcome> {
  if (!isWellFormedSecret('bootstrap', token)) {
    throw new Error('the bootstrap token must be a well-formed pat_ token');
  }
  const passwordHash = await unusablePasswordHash();
  return db.$transaction(async (tx) => {
    await lockFirstOwner(tx);
    if ((await operatorCount(tx)) > 0) return 'operators-exist';
    const userId = newId('user', now.getTime());
    await tx.user.create({
      data: {
        id: userId,
        email: BOOTSTRAP_OWNER_EMAIL,
        name: 'Portico admin',
        passwordHash,
        kind: 'operator',
        role: 'owner',
      },
    });
    const tokenId = newId('token', now.getTime());
    await tx.personalAccessToken.create({
      data: {
        id: tokenId,
        userId,
        name: 'bootstrap',
        hash: hashSecret(token),
        start: token.slice(0, 12),
      },
    });
    await recordAudit(
      tx,
      { actor: null, requestId: 'bootstrap' },
      {
        action: 'auth.bootstrap',
        targetType: 'user',
        targetId: userId,
        after: { email: BOOTSTRAP_OWNER_EMAIL, role: 'owner', tokenId },
      },
    );
    return 'created';
  });
}
