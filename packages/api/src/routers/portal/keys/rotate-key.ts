import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { rotateKey } from '../../../services/keys/api-keys';
import { assertAppActive, loadOwnedKey } from '../../../services/portal/portal-apps';
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
      const { key, clear, before, old } = await rotateKey(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'portal.key.rotate',
        targetType: 'key',
        targetId: old.id,
        before,
        after: { old, replacement: key },
      });
      return { key, clear, previous: old };
    }),
  );
