import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { createKey } from '../../../services/keys/api-keys';
import { assertAppActive, loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZCreatePortalKeyInput } from './create-key.types';

/**
 * Issues a key for an active app. `clear` is the key itself, returned by this call only: it is
 * stored as a hash and never logged (the audit row holds the key's view, not the key).
 */
export const createPortalKeyProcedure = developerOnlyProcedure
  .input(ZCreatePortalKeyInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const app = await loadOwnedApp(tx, ctx.ownerScope, input.appId);
      assertAppActive(app);
      const { key, clear } = await createKey(
        tx,
        ctx.ownerScope,
        { consumerId: app.id, name: input.name, expiresInSeconds: input.expiresInSeconds },
        ctx.now(),
      );
      await recordAudit(tx, ctx, {
        action: 'portal.key.create',
        targetType: 'key',
        targetId: key.id,
        after: key,
      });
      return { key, clear };
    }),
  );
