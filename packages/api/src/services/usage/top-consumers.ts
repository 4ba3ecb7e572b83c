import type { Db } from '@portico/db';
import { rollupSource, type UsageFilters, type UsageWindow } from './rollup-source';
import { queryRows, sql } from './sql-fragment';

/** Consumers with the most requests in the window (requests without a consumer are left out). */
export async function topConsumers(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
  limit: number,
) {
  const rows = await queryRows<{
    consumer_id: string;
    name: string | null;
    requests: bigint;
    errors: bigint;
    bytes_out: bigint;
  }>(
    db,
    sql`
    SELECT r."consumerId" AS consumer_id, c.name, sum(r.count)::bigint AS requests,
      sum(r."errorCount")::bigint AS errors, sum(r."bytesOut")::bigint AS bytes_out
    FROM ${rollupSource(window, filters, consumerScope)} AS r
    LEFT JOIN consumers c ON c.id = r."consumerId"
    WHERE r."consumerId" <> ''
    GROUP BY r."consumerId", c.name
    ORDER BY requests DESC, r."consumerId"
    LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    consumerId: r.consumer_id,
    /** Null when the consumer has since been deleted. */
    consumerName: r.name,
    requests: Number(r.requests),
    errors: Number(r.errors),
    bytesOut: Number(r.bytes_out),
  }));
}
