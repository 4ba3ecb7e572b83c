import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { deleteConsumer } from '../../../services/consumers/consumers';
import { loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZAppIdInput } from './app-id.types';

/** Deletes an app with its keys and subscriptions; gateways refuse its keys at once. */
export const deleteAppProcedure = developerOnlyProcedure
  .input(ZAppIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      await loadOwnedApp(tx, ctx.ownerScope, input.id, 'id');
      const app = await deleteConsumer(tx, ctx.ownerScope, input.id);
      await recordAudit(tx, ctx, {
        action: 'portal.app.delete',
        targetType: 'consumer',
        targetId: app.id,
        before: app,
      });
      return { deleted: true, id: app.id };
    }),
  );
