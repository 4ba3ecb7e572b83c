import { listDataPlaneNodes } from '../../services/config/data-plane-nodes';
import { operatorProcedure } from '../../trpc';

/** Gateway nodes with their applied version, hash, last seen, last error and a stale flag. */
export const listDataPlanesProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  listDataPlaneNodes(ctx.db, ctx.now()),
);
