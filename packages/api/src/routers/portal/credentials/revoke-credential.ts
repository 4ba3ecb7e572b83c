import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedChange } from '../../../audit/audited-write';
import { revokeCredential } from '../../../services/credentials/consumer-credentials';
import { ZCredentialIdInput } from '../../credentials/credential.types';

/** Revokes a credential of one's own app at once (also on a suspended app). */
export const revokePortalCredentialProcedure = developerOnlyProcedure
  .input(ZCredentialIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'portal.credential.revoke', targetType: 'credential' }, (tx) =>
      revokeCredential(tx, ctx.ownerScope, input.id, ctx.now()),
    ),
  );
