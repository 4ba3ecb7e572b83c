import { listRegistries } from '../../services/registries/registries';
import { operatorProcedure } from '../../trpc';

export const listRegistriesProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listRegistries(ctx.db),
);
