import { recordAudit } from '../../../audit/record-audit';
import { suspendDeveloper } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** Suspends a developer: signed out, apps suspended, keys refused by gateways within a second. */
export const suspendDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const outcome = await suspendDeveloper(tx, input.id, ctx.now());
      await recordAudit(tx, ctx, {
        action: 'portal.developer.suspend',
        targetType: 'user',
        targetId: input.id,
        before: outcome.before,
        after: { ...outcome.after, suspendedApps: outcome.suspendedApps },
      });
      return { ...outcome.after, suspendedApps: outcome.suspendedApps };
    }),
  );
