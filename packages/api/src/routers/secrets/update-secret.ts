import { auditedChange } from '../../audit/audited-write';
import { updateSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZUpdateSecretInput } from './update-secret.types';

/** Rotates a secret; gateways receive the new value with the next publish. */
export const updateSecretProcedure = operatorProcedure('admin')
  .input(ZUpdateSecretInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'secret.update', targetType: 'secret' }, (tx) =>
      updateSecret(tx, ctx.secretKey, input),
    ),
  );
