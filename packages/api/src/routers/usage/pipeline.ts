import { analyticsPipelineState } from '../../services/usage/analytics-pipeline';
import { operatorProcedure } from '../../trpc';

/** The analytics queue's backlog, its workers and Redis memory, judged against the shed bounds. */
export const analyticsPipelineProcedure = operatorProcedure('viewer').query(({ ctx }) =>
  analyticsPipelineState(ctx.analyticsPipeline, ctx.now()),
);
