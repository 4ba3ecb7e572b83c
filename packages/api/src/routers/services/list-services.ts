import { listServices } from '../../services/services/services';
import { operatorProcedure } from '../../trpc';

export const listServicesProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listServices(ctx.db),
);
