import { recordAudit } from '../../../audit/record-audit';
import { reactivateDeveloper } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** Lifts a suspension; the apps it suspended work again. */
export const reactivateDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) =>
    ctx.db.$transaction(async (tx) => {
      const outcome = await reactivateDeveloper(tx, input.id);
      await recordAudit(tx, ctx, {
        action: 'portal.developer.reactivate',
        targetType: 'user',
        targetId: input.id,
        before: outcome.before,
        after: { ...outcome.after, reactivatedApps: outcome.reactivatedApps },
      });
      return { ...outcome.after, reactivatedApps: outcome.reactivatedApps };
    }),
  );
