'use client';

import { useQuery } from '@tanstack/react-query';
import { ErrorAlert, PageHeader } from '../../../components/ui';
import { useUrlState } from '../../../components/use-url-state';
import { useSlidingWindow } from '../../../components/use-window';
import { useTRPC } from '../../../lib/trpc';
import {
  AnalyticsFilterBar,
  type AnalyticsFilters,
  LIVE,
  NO_FILTERS,
  RANGES,
  type Range,
  usageScope,
} from './analytics-filters';
import { PipelinePanel } from './pipeline-panel';
import { RequestExplorer } from './request-explorer';
import { StatusClasses, SummaryStats, TrafficPanels } from './traffic-panels';

export default function AnalyticsPage() {
  const trpc = useTRPC();
  // The range and filters live in the URL, so a view can be reloaded, shared and bookmarked.
  const [url, setFilters] = useUrlState(NO_FILTERS);
  const filters: AnalyticsFilters = {
    ...url,
    range: Object.hasOwn(RANGES, url.range) ? (url.range as Range) : NO_FILTERS.range,
  };
  const { span, refresh } = useSlidingWindow(RANGES[filters.range].ms);
  const apis = useQuery(trpc.apis.list.queryOptions({}));
  const consumers = useQuery(trpc.consumers.list.queryOptions({}));
  const scope = usageScope(filters, span);
  const granularity = RANGES[filters.range].granularity;
  const series = useQuery({
    ...trpc.usage.series.queryOptions({ ...scope, granularity }),
    ...LIVE,
  });
  const latency = useQuery({ ...trpc.usage.latency.queryOptions(scope), ...LIVE });
  const top = useQuery({
    ...trpc.usage.topConsumers.queryOptions({ ...scope, limit: 10 }),
    ...LIVE,
  });
  const errors = useQuery({ ...trpc.usage.errors.queryOptions(scope), ...LIVE });
  const apiName = new Map((apis.data ?? []).map((a) => [a.id, a.name]));
  const consumerName = new Map((consumers.data ?? []).map((c) => [c.id, c.name]));

  return (
    <>
      <PageHeader
        title="Analytics"
        description="Traffic through the gateways, from the analytics rollups. Refreshes every 15 s."
        actions={
          <button type="button" onClick={refresh}>
            Refresh now
          </button>
        }
      />
      <AnalyticsFilterBar
        filters={filters}
        onChange={setFilters}
        apis={apis.data}
        consumers={consumers.data}
      />
      <ErrorAlert error={series.error ?? latency.error ?? top.error ?? errors.error} />
      <SummaryStats series={series.data} latency={latency.data} />
      <TrafficPanels series={series} latency={latency.data} top={top.data} errors={errors.data} />
      <StatusClasses errors={errors.data} />
      <RequestExplorer scope={scope} apiName={apiName} consumerName={consumerName} />
      <PipelinePanel />
    </>
  );
}
