import { auditedCreate } from '../../audit/audited-write';
import { createSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZCreateSecretInput } from './create-secret.types';

export const createSecretProcedure = operatorProcedure('admin')
  .input(ZCreateSecretInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'secret.create', targetType: 'secret' }, (tx) =>
      createSecret(tx, ctx.secretKey, input, ctx.now()),
    ),
  );
