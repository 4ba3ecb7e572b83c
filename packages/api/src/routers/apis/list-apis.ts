import { listApis } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZListApisInput } from './list-apis.types';

export const listApisProcedure = operatorProcedure('viewer')
  .input(ZListApisInput)
  .query(({ ctx, input }) => listApis(ctx.db, input.search || undefined));
