import type { Db } from '@portico/db';
import { type RankingQuery, rankedByRequests } from './ranked-by-requests';

/** Consumers with the most requests in the window (requests without a consumer are left out). */
export async function topConsumers(db: Db, query: RankingQuery) {
  const ranked = await rankedByRequests(db, 'consumer', query);
  // consumerName is null when the consumer has since been deleted.
  return ranked.map(({ id, name, ...counts }) => ({
    consumerId: id,
    consumerName: name,
    ...counts,
  }));
}
