import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedChange } from '../../audit/audited-write';
import { revokeKey } from '../../services/keys/api-keys';
import { ZKeyIdInput } from './rotate-key.types';

export const revokeKeyProcedure = ownedResourceProcedure('editor')
  .input(ZKeyIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'key.revoke', targetType: 'key' }, (tx) =>
      revokeKey(tx, ctx.ownerScope, input.id, ctx.now()),
    ),
  );
