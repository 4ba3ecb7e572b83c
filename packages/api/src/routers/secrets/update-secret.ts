import { recordAudit } from '../../audit/record-audit';
import { updateSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZUpdateSecretInput } from './update-secret.types';

/** Rotates a secret; gateways receive the new value with the next publish. */
export const updateSecretProcedure = operatorProcedure('admin')
  .input(ZUpdateSecretInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const { before, after } = await updateSecret(tx, ctx.secretKey, input);
      await recordAudit(tx, ctx, {
        action: 'secret.update',
        targetType: 'secret',
        targetId: after.id,
        before,
        after,
      });
      return after;
    }),
  );
