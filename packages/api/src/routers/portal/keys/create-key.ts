import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedIssue } from '../../../audit/audited-write';
import { createKey } from '../../../services/keys/api-keys';
import { loadActiveOwnedApp } from '../../../services/portal/portal-apps';
import { ZCreatePortalKeyInput } from './create-key.types';

/**
 * Issues a key for an active app. `clear` is the key itself, returned by this call only: it is
 * stored as a hash and never logged (the audit row holds the key's view, not the key).
 */
export const createPortalKeyProcedure = developerOnlyProcedure
  .input(ZCreatePortalKeyInput)
  .mutation(({ ctx, input }) =>
    auditedIssue(
      ctx,
      async (tx) => {
        const app = await loadActiveOwnedApp(tx, ctx.ownerScope, input.appId);
        const { key, clear } = await createKey(
          tx,
          ctx.ownerScope,
          { consumerId: app.id, name: input.name, expiresInSeconds: input.expiresInSeconds },
          ctx.now(),
        );
        return { key, clear };
      },
      { action: 'portal.key.create', targetType: 'key', recordOf: (issued) => issued.key },
    ),
  );
