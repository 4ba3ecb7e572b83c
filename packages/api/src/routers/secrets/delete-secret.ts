import { recordAudit } from '../../audit/record-audit';
import { deleteSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZDeleteSecretInput } from './delete-secret.types';

/** Refused with CONFLICT while an API (draft or latest published version) references it. */
export const deleteSecretProcedure = operatorProcedure('admin')
  .input(ZDeleteSecretInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const before = await deleteSecret(tx, input.name);
      await recordAudit(tx, ctx, {
        action: 'secret.delete',
        targetType: 'secret',
        targetId: before.id,
        before,
      });
      return { id: before.id, name: before.name };
    }),
  );
