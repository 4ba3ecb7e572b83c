import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { revokeKey } from '../../../services/keys/api-keys';
import { loadOwnedKey } from '../../../services/portal/portal-apps';
import { ZPortalKeyIdInput } from './key-id.types';

/** Revokes a key at once (also on a suspended app: taking access away is always allowed). */
export const revokePortalKeyProcedure = developerOnlyProcedure
  .input(ZPortalKeyIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      await loadOwnedKey(tx, ctx.ownerScope, input.id);
      const { before, after, changed } = await revokeKey(tx, ctx.ownerScope, input.id, ctx.now());
      if (changed) {
        await recordAudit(tx, ctx, {
          action: 'portal.key.revoke',
          targetType: 'key',
          targetId: input.id,
          before,
          after,
        });
      }
      return after;
    }),
  );
