import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { recordAudit } from '../../../audit/record-audit';
import { createConsumer } from '../../../services/consumers/consumers';
import { assertAppNameFree } from '../../../services/portal/portal-apps';
import { ZCreateAppInput } from './create-app.types';

/** Creates an app (a consumer the developer owns). */
export const createAppProcedure = developerOnlyProcedure
  .input(ZCreateAppInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      await assertAppNameFree(tx, input.name);
      const app = await createConsumer(tx, ctx.ownerScope, input, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'portal.app.create',
        targetType: 'consumer',
        targetId: app.id,
        after: app,
      });
      return app;
    }),
  );
