import { auditedDelete } from '../../audit/audited-write';
import { deleteSecret } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';
import { ZDeleteSecretInput } from './delete-secret.types';

/** Refused with CONFLICT while an API (draft or latest published version) references it. */
export const deleteSecretProcedure = operatorProcedure('admin')
  .input(ZDeleteSecretInput)
  .mutation(async ({ ctx, input }) => {
    const before = await auditedDelete(ctx, 'secret', (tx) => deleteSecret(tx, input.name));
    return { id: before.id, name: before.name };
  });
