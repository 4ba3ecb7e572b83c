import { router } from '../../../trpc';
import { portalUsageErrorsProcedure } from './usage-errors';
import { portalUsageLatencyProcedure } from './usage-latency';
import { portalUsageQuotaProcedure } from './usage-quota';
import { portalUsageSeriesProcedure } from './usage-series';

/** Usage of the developer's own apps and keys (the shared usage services, scoped to them). */
export const portalUsageRouter = router({
  series: portalUsageSeriesProcedure,
  errors: portalUsageErrorsProcedure,
  latency: portalUsageLatencyProcedure,
  quota: portalUsageQuotaProcedure,
});
