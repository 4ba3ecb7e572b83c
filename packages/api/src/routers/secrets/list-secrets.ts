import { listSecrets } from '../../services/secrets/secrets';
import { operatorProcedure } from '../../trpc';

/** Names, descriptions, fingerprints and users of the secrets; values are never returned. */
export const listSecretsProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listSecrets(ctx.db),
);
