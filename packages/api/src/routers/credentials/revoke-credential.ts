import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { recordAudit } from '../../audit/record-audit';
import { revokeCredential } from '../../services/credentials/consumer-credentials';
import { ZCredentialIdInput } from './credential.types';

/** Revokes a credential at once; gateways refuse it within a second. */
export const revokeCredentialProcedure = ownedResourceProcedure('editor')
  .input(ZCredentialIdInput)
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
          action: 'credential.revoke',
          targetType: 'credential',
          targetId: after.id,
          before,
          after,
        });
      return after;
    }),
  );
