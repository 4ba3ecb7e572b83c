import { listCatalogPlans } from '../../../services/portal/catalog';
import { publicProcedure } from '../../../trpc';

/** Listed plans side by side: rate limit, quota, listed APIs, approval needed. Public. */
export const listCatalogPlansProcedure = publicProcedure.query(({ ctx }) =>
  listCatalogPlans(ctx.db),
);
