import type { Db } from '@portico/db';
import { rankedByRequests } from './ranked-by-requests';
import type { UsageFilters, UsageWindow } from './rollup-source';

/** Consumers with the most requests in the window (requests without a consumer are left out). */
export async function topConsumers(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
  limit: number,
) {
  const ranked = await rankedByRequests(db, 'consumer', { window, filters, consumerScope, limit });
  // consumerName is null when the consumer has since been deleted.
  return ranked.map(({ id, name, ...counts }) => ({
    consumerId: id,
    consumerName: name,
    ...counts,
  }));
}
