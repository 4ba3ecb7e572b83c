import { getApi } from '../../services/apis/apis';
import { operatorProcedure } from '../../trpc';
import { ZApiIdInput } from './get-api.types';

export const getApiProcedure = operatorProcedure('viewer')
  .input(ZApiIdInput)
  .query(({ ctx, input }) => getApi(ctx.db, input.id));
