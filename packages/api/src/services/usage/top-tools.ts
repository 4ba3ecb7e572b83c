import type { Db } from '@portico/db';
import type { UsageWindow } from './rollup-source';
import { joinSql, queryRows, type SqlFragment, sql } from './sql-fragment';

/**
 * MCP tools ranked by calls in the window, read from the raw request log (tool calls are
 * recorded there with their tool; the rollups keep no tool dimension), so the window is bounded
 * by the log's retention.
 */
export async function topTools(
  db: Db,
  window: UsageWindow,
  filters: { apiId?: string | undefined; consumerId?: string | undefined },
  consumerScope: string[] | null,
  limit: number,
) {
  const parts: SqlFragment[] = [
    sql`tool IS NOT NULL`,
    sql`time >= ${window.from}`,
    sql`time < ${window.to}`,
  ];
  if (filters.apiId !== undefined) parts.push(sql`"apiId" = ${filters.apiId}`);
  if (filters.consumerId !== undefined) parts.push(sql`"consumerId" = ${filters.consumerId}`);
  if (consumerScope !== null) parts.push(sql`"consumerId" = ANY(${consumerScope})`);
  const rows = await queryRows<{
    api_id: string | null;
    tool: string;
    calls: bigint;
    errors: bigint;
    p50_ms: number | null;
  }>(
    db,
    sql`
    SELECT "apiId" AS api_id, tool, count(*)::bigint AS calls,
      count(*) FILTER (WHERE status >= 400)::bigint AS errors,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY "totalMs") AS p50_ms
    FROM request_log WHERE ${joinSql(parts, ' AND ')}
    GROUP BY "apiId", tool
    ORDER BY calls DESC, tool
    LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    apiId: r.api_id,
    tool: r.tool,
    calls: Number(r.calls),
    /** Refused by the gateway or answered 4xx/5xx by the upstream. */
    errors: Number(r.errors),
    p50Ms: r.p50_ms,
  }));
}
