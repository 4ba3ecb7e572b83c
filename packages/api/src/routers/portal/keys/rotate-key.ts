import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { assertAppActive, loadOwnedKey } from '../../../services/portal/portal-apps';
import { rotateAndAudit } from '../../keys/rotate-and-audit';
import { ZRotatePortalKeyInput } from './rotate-key.types';

/**
 * Replaces a key: the new key works at once and the old one until the grace period ends (its
 * `expiresAt`), so clients switch without an outage; its `lastUsedAt` shows whether it is still
 * in use. The new key's `clear` is returned by this call only.
 */
export const rotatePortalKeyProcedure = developerOnlyProcedure
  .input(ZRotatePortalKeyInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const owned = await loadOwnedKey(tx, ctx.ownerScope, input.id);
      assertAppActive(owned.consumer);
      return rotateAndAudit(tx, ctx, {
        ownerScope: ctx.ownerScope,
        input,
        auditAction: 'portal.key.rotate',
      });
    }),
  );
