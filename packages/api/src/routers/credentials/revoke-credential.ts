import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedChange } from '../../audit/audited-write';
import { revokeCredential } from '../../services/credentials/consumer-credentials';
import { ZCredentialIdInput } from './credential.types';

/** Revokes a credential at once; gateways refuse it within a second. */
export const revokeCredentialProcedure = ownedResourceProcedure('editor')
  .input(ZCredentialIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'credential.revoke', targetType: 'credential' }, (tx) =>
      revokeCredential(tx, ctx.ownerScope, input.id, ctx.now()),
    ),
  );
