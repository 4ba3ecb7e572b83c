import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { rotateAndAudit } from './rotate-and-audit';
import { ZRotateKeyInput } from './rotate-key.types';

export const rotateKeyProcedure = ownedResourceProcedure('editor')
  .input(ZRotateKeyInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction((tx) =>
      rotateAndAudit(tx, ctx, { ownerScope: ctx.ownerScope, input, auditAction: 'key.rotate' }),
    ),
  );
