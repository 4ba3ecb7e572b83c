import { rollbackTo } from '../../services/config/versions';
import { operatorProcedure } from '../../trpc';
import { ZRollbackConfigInput } from './rollback-config.types';

/** Publishes an older version's snapshot again as a new version (audited as config.rollback). */
export const rollbackConfigProcedure = operatorProcedure('editor')
  .input(ZRollbackConfigInput)
  .mutation(({ ctx, input }) => rollbackTo(ctx.db, ctx, input));
