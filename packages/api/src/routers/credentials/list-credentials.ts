import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { listCredentials } from '../../services/credentials/consumer-credentials';
import { ZListCredentialsInput } from './credential.types';

/** A consumer's credentials other than keys: kind, identifier, status. Never secret material. */
export const listCredentialsProcedure = ownedResourceProcedure('viewer')
  .input(ZListCredentialsInput)
  .query(({ ctx, input }) => listCredentials(ctx.db, ctx.ownerScope, input, ctx.now()));
