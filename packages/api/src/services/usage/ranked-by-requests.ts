import type { Db } from '@portico/db';
import { rollupSource, type UsageFilters, type UsageWindow } from './rollup-source';
import { queryRows, rawSql, sql } from './sql-fragment';

/** What a ranking is by: the rollup column and the table whose `name` labels it. */
const RANKED_BY = {
  api: { column: rawSql('"apiId"'), table: rawSql('apis') },
  consumer: { column: rawSql('"consumerId"'), table: rawSql('consumers') },
} as const;

export interface RankingQuery {
  window: UsageWindow;
  filters: UsageFilters;
  consumerScope: string[] | null;
  limit: number;
}

export interface RankedByRequests {
  id: string;
  /** Null when the entity has since been deleted. */
  name: string | null;
  requests: number;
  errors: number;
  bytesOut: number;
}

/** APIs or consumers with the most requests in the window (rows without one are left out). */
export async function rankedByRequests(
  db: Db,
  by: keyof typeof RANKED_BY,
  { window, filters, consumerScope, limit }: RankingQuery,
): Promise<RankedByRequests[]> {
  const { column, table } = RANKED_BY[by];
  const rows = await queryRows<{
    id: string;
    name: string | null;
    requests: bigint;
    errors: bigint;
    bytes_out: bigint;
  }>(
    db,
    sql`
    SELECT r.${column} AS id, t.name, sum(r.count)::bigint AS requests,
      sum(r."errorCount")::bigint AS errors, sum(r."bytesOut")::bigint AS bytes_out
    FROM ${rollupSource(window, filters, consumerScope)} AS r
    LEFT JOIN ${table} t ON t.id = r.${column}
    WHERE r.${column} <> ''
    GROUP BY r.${column}, t.name
    ORDER BY requests DESC, r.${column}
    LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    requests: Number(r.requests),
    errors: Number(r.errors),
    bytesOut: Number(r.bytes_out),
  }));
}
