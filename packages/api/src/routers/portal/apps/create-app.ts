import { developerOnlyProcedure } from '../../../access/developer-procedure';
import { auditedCreate } from '../../../audit/audited-write';
import { createConsumer } from '../../../services/consumers/consumers';
import { assertAppNameFree } from '../../../services/portal/portal-apps';
import { ZCreateAppInput } from './create-app.types';

/** Creates an app (a consumer the developer owns). */
export const createAppProcedure = developerOnlyProcedure
  .input(ZCreateAppInput)
  .mutation(({ ctx, input }) =>
    auditedCreate(ctx, { action: 'portal.app.create', targetType: 'consumer' }, async (tx) => {
      await assertAppNameFree(tx, input.name);
      return createConsumer(tx, ctx.ownerScope, input, ctx.now());
    }),
  );
