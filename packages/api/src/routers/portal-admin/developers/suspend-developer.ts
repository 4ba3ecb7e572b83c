import { auditedChange } from '../../../audit/audited-write';
import { suspendDeveloper } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** Suspends a developer: signed out, apps suspended, keys refused by gateways within a second. */
export const suspendDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'portal.developer.suspend', targetType: 'user' }, (tx) =>
      suspendDeveloper(tx, input.id, ctx.now()),
    ),
  );
