import { auditedChange } from '../../../audit/audited-write';
import { reactivateDeveloper } from '../../../services/portal/developer-admin';
import { operatorProcedure } from '../../../trpc';
import { ZDeveloperIdInput } from './developer-id.types';

/** Lifts a suspension; the apps it suspended work again. */
export const reactivateDeveloperProcedure = operatorProcedure('admin')
  .input(ZDeveloperIdInput)
  .mutation(({ ctx, input }) =>
    auditedChange(ctx, { action: 'portal.developer.reactivate', targetType: 'user' }, (tx) =>
      reactivateDeveloper(tx, input.id),
    ),
  );
