import { getVersion } from '../../services/config/versions';
import { operatorProcedure } from '../../trpc';
import { ZGetVersionInput } from './get-version.types';

export const getVersionProcedure = operatorProcedure('viewer')
  .input(ZGetVersionInput)
  .query(({ ctx, input }) => getVersion(ctx.db, input.number));
