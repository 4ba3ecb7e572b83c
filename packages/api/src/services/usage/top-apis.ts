import type { Db } from '@portico/db';
import { rankedByRequests } from './ranked-by-requests';
import type { UsageFilters, UsageWindow } from './rollup-source';

/** APIs with the most requests in the window (requests that matched no API are left out). */
export async function topApis(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
  limit: number,
) {
  const ranked = await rankedByRequests(db, 'api', { window, filters, consumerScope, limit });
  // apiName is null when the API has since been deleted.
  return ranked.map(({ id, name, ...counts }) => ({ apiId: id, apiName: name, ...counts }));
}
