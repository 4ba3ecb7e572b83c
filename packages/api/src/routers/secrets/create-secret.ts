import { recordAudit } from '../../audit/record-audit';
import { createSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZCreateSecretInput } from './create-secret.types';

export const createSecretProcedure = operatorProcedure('admin')
  .input(ZCreateSecretInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const secret = await createSecret(tx, ctx.secretKey, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'secret.create',
        targetType: 'secret',
        targetId: secret.id,
        after: secret,
      });
      return secret;
    }),
  );
