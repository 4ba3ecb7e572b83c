import { listVersions } from '../../services/config/versions';
import { operatorProcedure } from '../../trpc';
import { ZListVersionsInput } from './list-versions.types';

export const listVersionsProcedure = operatorProcedure('viewer')
  .input(ZListVersionsInput)
  .query(({ ctx, input }) => listVersions(ctx.db, input));
