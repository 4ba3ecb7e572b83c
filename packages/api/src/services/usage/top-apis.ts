import type { Db } from '@portico/db';
import { type RankingQuery, rankedByRequests } from './ranked-by-requests';

/** APIs with the most requests in the window (requests that matched no API are left out). */
export async function topApis(db: Db, query: RankingQuery) {
  const ranked = await rankedByRequests(db, 'api', query);
  // apiName is null when the API has since been deleted.
  return ranked.map(({ id, name, ...counts }) => ({ apiId: id, apiName: name, ...counts }));
}
