import type { Db } from '@portico/db';
import { rollupSource, type UsageFilters, type UsageWindow } from './rollup-source';
import { queryRows, sql } from './sql-fragment';

/** APIs with the most requests in the window (requests that matched no API are left out). */
export async function topApis(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
  limit: number,
) {
  const rows = await queryRows<{
    api_id: string;
    name: string | null;
    requests: bigint;
    errors: bigint;
    bytes_out: bigint;
  }>(
    db,
    sql`
    SELECT r."apiId" AS api_id, a.name, sum(r.count)::bigint AS requests,
      sum(r."errorCount")::bigint AS errors, sum(r."bytesOut")::bigint AS bytes_out
    FROM ${rollupSource(window, filters, consumerScope)} AS r
    LEFT JOIN apis a ON a.id = r."apiId"
    WHERE r."apiId" <> ''
    GROUP BY r."apiId", a.name
    ORDER BY requests DESC, r."apiId"
    LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    apiId: r.api_id,
    /** Null when the API has since been deleted. */
    apiName: r.name,
    requests: Number(r.requests),
    errors: Number(r.errors),
    bytesOut: Number(r.bytes_out),
  }));
}
