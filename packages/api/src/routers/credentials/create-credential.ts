import { ownedResourceProcedure } from '../../access/owned-resource-procedure';
import { auditedIssue } from '../../audit/audited-write';
import { sealSecret } from '../../crypto/seal';
import { createCredential } from '../../services/credentials/consumer-credentials';
import { ZCreateCredentialInput } from './credential.types';

/**
 * Creates a credential; generated secret material (a password, an hmac secret) is returned by
 * this call only and never audited (the audit row holds the credential's view).
 */
export const createCredentialProcedure = ownedResourceProcedure('editor')
  .input(ZCreateCredentialInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(
      ctx,
      (tx) =>
        createCredential(tx, ctx.ownerScope, input, {
          now: ctx.now(),
          seal: (plaintext) => sealSecret(ctx.secretKey, plaintext),
        }),
      { action: 'credential.create', targetType: 'credential', recordOf: (i) => i.credential },
    ),
  );
