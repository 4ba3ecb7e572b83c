import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedChange } from '../../../audit/audited-write';
import { revokeKey } from '../../../services/keys/api-keys';
import { loadOwnedKey } from '../../../services/portal/portal-apps';
import { ZPortalKeyIdInput } from './key-id.types';

/** Revokes a key at once (also on a suspended app: taking access away is always allowed). */
export const revokePortalKeyProcedure = developerOnlyProcedure
  .input(ZPortalKeyIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'portal.key.revoke', targetType: 'key' }, async (tx) => {
      await loadOwnedKey(tx, ctx.ownerScope, input.id);
      return revokeKey(tx, ctx.ownerScope, input.id, ctx.now());
    }),
  );
