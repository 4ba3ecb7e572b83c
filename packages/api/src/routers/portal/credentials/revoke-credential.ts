import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { revokeCredential } from '../../../services/credentials/consumer-credentials';
import { ZPortalCredentialIdInput } from './credential.types';

/** Revokes a credential of one's own app at once (also on a suspended app). */
export const revokePortalCredentialProcedure = developerOnlyProcedure
  .input(ZPortalCredentialIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after, changed } = await revokeCredential(
        tx,
        ctx.ownerScope,
        input.id,
        ctx.now(),
      );
      if (changed)
        await recordAudit(tx, ctx, {
          action: 'portal.credential.revoke',
          targetType: 'credential',
          targetId: input.id,
          before,
          after,
        });
      return after;
    }),
  );
