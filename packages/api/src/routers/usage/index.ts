import { router } from '../../trpc';
import { usageErrorsProcedure } from './errors';
import { usageLatencyProcedure } from './latency';
import { analyticsPipelineProcedure } from './pipeline';
import { quotaUsageProcedure } from './quota-usage';
import { usageRequestsProcedure } from './requests';
import { usageSeriesProcedure } from './series';
import { usageSummaryProcedure } from './summary';
import { topApisProcedure } from './top-apis';
import { topConsumersProcedure } from './top-consumers';
import { topToolsProcedure } from './top-tools';

/** Usage analytics read from the worker's rollups and raw request log. */
export const usageRouter = router({
  series: usageSeriesProcedure,
  topConsumers: topConsumersProcedure,
  topApis: topApisProcedure,
  topTools: topToolsProcedure,
  latency: usageLatencyProcedure,
  errors: usageErrorsProcedure,
  quotaUsage: quotaUsageProcedure,
  requests: usageRequestsProcedure,
  summary: usageSummaryProcedure,
  pipeline: analyticsPipelineProcedure,
});
