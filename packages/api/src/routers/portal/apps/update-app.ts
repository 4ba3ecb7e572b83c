import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { updateConsumer } from '../../../services/consumers/consumers';
import { assertAppNameFree, loadOwnedApp } from '../../../services/portal/portal-apps';
import { ZUpdateAppInput } from './update-app.types';

/** Renames an app or changes its description; its keys keep working. */
export const updateAppProcedure = developerOnlyProcedure
  .input(ZUpdateAppInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const app = await loadOwnedApp(tx, ctx.ownerScope, input.id, 'id');
      if (input.name !== undefined) await assertAppNameFree(tx, input.name, app.id);
      const { before, after } = await updateConsumer(tx, ctx.ownerScope, {
        id: app.id,
        name: input.name,
        description: input.description,
      });
      await recordAudit(tx, ctx, {
        action: 'portal.app.update',
        targetType: 'consumer',
        targetId: app.id,
        before,
        after,
      });
      return after;
    }),
  );
