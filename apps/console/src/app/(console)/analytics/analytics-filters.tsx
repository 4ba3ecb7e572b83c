'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { namedOptions } from '../../../components/fields';
import { FilterSelect } from '../../../components/list-page';
import { type RouterOutputs, useTRPC } from '../../../lib/trpc';

export const RANGES = {
  '1h': { ms: 3_600_000, granularity: 'minute' },
  '24h': { ms: 86_400_000, granularity: 'hour' },
  '7d': { ms: 7 * 86_400_000, granularity: 'hour' },
  '30d': { ms: 30 * 86_400_000, granularity: 'day' },
} as const;
export type Range = keyof typeof RANGES;

/** The page follows live traffic: refetch every 15 s and keep the last answer while refetching. */
export const LIVE = { refetchInterval: 15_000, placeholderData: keepPreviousData };

/** What the analytics page looks at; an empty id means every one. */
export interface AnalyticsFilters {
  range: Range;
  apiId: string;
  routeId: string;
  consumerId: string;
  keyId: string;
}

export const NO_FILTERS: AnalyticsFilters = {
  range: '1h',
  apiId: '',
  routeId: '',
  consumerId: '',
  keyId: '',
};

/** The usage queries' common input: the window and the ids chosen (a route only with its API). */
export function usageScope(filters: AnalyticsFilters, span: { from: string; to: string }) {
  const { apiId, routeId, consumerId, keyId } = filters;
  return {
    ...span,
    ...(apiId ? { apiId } : {}),
    ...(apiId && routeId ? { routeId } : {}),
    ...(consumerId ? { consumerId } : {}),
    ...(keyId ? { keyId } : {}),
  };
}

const WIDE = { width: 200 };

/**
 * The range and the API, consumer, route and key filters. A route belongs to an API and a key to
 * a consumer, so changing the API or the consumer clears the narrower choice.
 */
export function AnalyticsFilterBar({
  filters,
  onChange,
  apis,
  consumers,
}: {
  filters: AnalyticsFilters;
  onChange: (filters: AnalyticsFilters) => void;
  apis: RouterOutputs['apis']['list'] | undefined;
  consumers: RouterOutputs['consumers']['list'] | undefined;
}) {
  const trpc = useTRPC();
  const { consumerId, apiId } = filters;
  const keys = useQuery(trpc.keys.list.queryOptions(consumerId ? { consumerId } : {}));
  const routes = (apis ?? []).find((a) => a.id === apiId)?.routes ?? [];
  return (
    <div className="toolbar">
      <label htmlFor="range">Range</label>
      <select
        id="range"
        value={filters.range}
        onChange={(e) => onChange({ ...filters, range: e.target.value as Range })}
        style={{ width: 120 }}
      >
        {Object.keys(RANGES).map((r) => (
          <option key={r} value={r}>
            Last {r}
          </option>
        ))}
      </select>
      <FilterSelect
        id="api-filter"
        label="API"
        value={apiId}
        onChange={(value) => onChange({ ...filters, apiId: value, routeId: '' })}
        all="All APIs"
        options={namedOptions(apis)}
        style={WIDE}
      />
      <FilterSelect
        id="consumer-filter"
        label="Consumer"
        value={consumerId}
        onChange={(value) => onChange({ ...filters, consumerId: value, keyId: '' })}
        all="All consumers"
        options={namedOptions(consumers)}
        style={WIDE}
      />
      <FilterSelect
        id="route-filter"
        label="Route"
        value={filters.routeId}
        onChange={(value) => onChange({ ...filters, routeId: value })}
        disabled={!apiId}
        title={apiId ? undefined : 'Choose an API to filter by one of its routes'}
        all="All routes"
        options={routes.map((r) => ({
          value: r.id,
          label: r.name ?? `${r.methods.length > 0 ? r.methods.join(',') : 'ANY'} ${r.path}`,
        }))}
        style={WIDE}
      />
      <FilterSelect
        id="key-filter"
        label="Key"
        value={filters.keyId}
        onChange={(value) => onChange({ ...filters, keyId: value })}
        all="All keys"
        options={(keys.data ?? []).map((k) => ({ value: k.id, label: `${k.name} (${k.start}…)` }))}
        style={WIDE}
      />
    </div>
  );
}
