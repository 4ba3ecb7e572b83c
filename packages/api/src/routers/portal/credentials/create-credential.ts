import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedIssue } from '../../../audit/audited-write';
import { sealSecret } from '../../../crypto/seal';
import { createCredential } from '../../../services/credentials/consumer-credentials';
import { loadActiveOwnedApp } from '../../../services/portal/portal-apps';
import { ZCreatePortalCredentialInput } from './credential.types';

/** Creates a credential on an active app; generated secret material is returned once. */
export const createPortalCredentialProcedure = developerOnlyProcedure
  .input(ZCreatePortalCredentialInput)
  .mutation(({ ctx, input: { appId, ...credential } }) =>
    auditedIssue(
      ctx,
      async (tx) => {
        await loadActiveOwnedApp(tx, ctx.ownerScope, appId);
        return createCredential(
          tx,
          ctx.ownerScope,
          { consumerId: appId, ...credential },
          { now: ctx.now(), seal: (plaintext) => sealSecret(ctx.secretKey, plaintext) },
        );
      },
      {
        action: 'portal.credential.create',
        targetType: 'credential',
        recordOf: (issued) => issued.credential,
      },
    ),
  );
