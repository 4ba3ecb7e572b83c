import { getService } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';
import { ZServiceIdInput } from './get-service.types';

export const getServiceProcedure = operatorProcedure('viewer')
  .input(ZServiceIdInput)
  .query(({ ctx, input }) => getService(ctx.db, input.id));
