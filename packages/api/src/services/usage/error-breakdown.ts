import type { Db } from '@portico/db';
import {
  rollupConditions,
  rollupSource,
  type UsageFilters,
  type UsageWindow,
} from './rollup-source';
import { queryRows, sql } from './sql-fragment';

/**
 * Errors in the window by gateway error code (answers the gateway gave itself, from the
 * minute and hour error rollups) and requests/errors by status class (all answers, from the rollups).
 */
export async function errorBreakdown(
  db: Db,
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
) {
  const byCode = await queryRows<{ error_code: string; n: bigint }>(
    db,
    sql`
    SELECT "errorCode" AS error_code, sum(count)::bigint AS n FROM (
      SELECT "errorCode", count FROM usage_error_minutes
      WHERE ${rollupConditions('minute', window, filters, consumerScope, { withStatusClass: false })}
      UNION ALL
      SELECT "errorCode", count FROM usage_error_hours
      WHERE ${rollupConditions('hour', window, filters, consumerScope, { withStatusClass: false })}
    ) AS e
    GROUP BY "errorCode" ORDER BY n DESC, "errorCode"`,
  );
  const byClass = await queryRows<{ status_class: number; requests: bigint; errors: bigint }>(
    db,
    sql`
    SELECT "statusClass" AS status_class, sum(count)::bigint AS requests, sum("errorCount")::bigint AS errors
    FROM ${rollupSource(window, filters, consumerScope)} AS r
    GROUP BY "statusClass" ORDER BY "statusClass"`,
  );
  return {
    byErrorCode: byCode.map((r) => ({ errorCode: r.error_code, count: Number(r.n) })),
    byStatusClass: byClass.map((r) => ({
      statusClass: r.status_class,
      requests: Number(r.requests),
      errors: Number(r.errors),
    })),
  };
}
