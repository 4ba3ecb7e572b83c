import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedIssue } from '../../../audit/audited-write';
import { sealSecret } from '../../../crypto/seal';
import { createCredential } from '../../../services/credentials/consumer-credentials';
import { assertAppActive, loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZCreatePortalCredentialInput } from './credential.types';

/** Creates a credential on an active app; generated secret material is returned once. */
export const createPortalCredentialProcedure = developerOnlyProcedure
  .input(ZCreatePortalCredentialInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(
      ctx,
      async (tx) => {
        const app = await loadOwnedApp(tx, ctx.ownerScope, input.appId);
        assertAppActive(app);
        const { appId, ...rest } = input;
        return createCredential(
          tx,
          ctx.ownerScope,
          { consumerId: appId, ...rest },
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
