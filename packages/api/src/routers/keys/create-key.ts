import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedIssue } from '../../audit/audited-write';
import { createKey } from '../../services/keys/api-keys';
import { ZCreateKeyInput } from './create-key.types';

/** Returns the clear key once; only its SHA-256 is stored. */
export const createKeyProcedure = ownedResourceProcedure('editor')
  .input(ZCreateKeyInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(ctx, (tx) => createKey(tx, ctx.ownerScope, input, ctx.now()), {
      action: 'key.create',
      targetType: 'key',
      recordOf: (issued) => issued.key,
    }),
  );
