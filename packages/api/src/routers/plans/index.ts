import { router } from '../../trpc';
import { createPlanProcedure } from './create-plan';
import { deletePlanProcedure } from './delete-plan';
import { getPlanProcedure } from './get-plan';
import { listPlansProcedure } from './list-plans';
import { pagePlansProcedure } from './page-plans';
import { updatePlanProcedure } from './update-plan';

export const plansRouter = router({
  list: listPlansProcedure,
  page: pagePlansProcedure,
  get: getPlanProcedure,
  create: createPlanProcedure,
  update: updatePlanProcedure,
  delete: deletePlanProcedure,
});
