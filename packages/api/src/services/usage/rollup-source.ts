import { joinSql, rawSql, type SqlFragment, sql } from './sql-fragment';

/** Dimensions every usage query can filter on. */
export interface UsageFilters {
  apiId?: string | undefined;
  routeId?: string | undefined;
  consumerId?: string | undefined;
  keyId?: string | undefined;
  statusClass?: number | undefined;
}

export interface UsageWindow {
  from: Date;
  to: Date;
}

/**
 * The WHERE conditions (without WHERE) for rollup rows: the window on `timeColumn`, the filters,
 * and the caller's consumer scope (null = unrestricted; an empty list matches nothing).
 */
export function rollupConditions(
  timeColumn: 'minute' | 'hour',
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
  options: { withStatusClass?: boolean } = {},
): SqlFragment {
  const time = rawSql(`"${timeColumn}"`);
  const parts: SqlFragment[] = [sql`${time} >= ${window.from}`, sql`${time} < ${window.to}`];
  if (filters.apiId !== undefined) parts.push(sql`"apiId" = ${filters.apiId}`);
  if (filters.routeId !== undefined) parts.push(sql`"routeId" = ${filters.routeId}`);
  if (filters.consumerId !== undefined) parts.push(sql`"consumerId" = ${filters.consumerId}`);
  if (filters.keyId !== undefined) parts.push(sql`"keyId" = ${filters.keyId}`);
  if (filters.statusClass !== undefined && options.withStatusClass !== false) {
    parts.push(sql`"statusClass" = ${filters.statusClass}`);
  }
  if (consumerScope !== null) parts.push(sql`"consumerId" = ANY(${consumerScope})`);
  return joinSql(parts, ' AND ');
}

/**
 * Minute and hour rollups in the window as one relation `(t, apiId, routeId, consumerId, keyId,
 * statusClass, count, errorCount, bytesIn, bytesOut, latencyBuckets)`. Hour rows (minutes older
 * than the compaction age) count when their hour starts inside the window, so windows not on
 * whole hours are exact only over data not yet compacted.
 */
export function rollupSource(
  window: UsageWindow,
  filters: UsageFilters,
  consumerScope: string[] | null,
): SqlFragment {
  const columns = rawSql(
    '"apiId", "routeId", "consumerId", "keyId", "statusClass", count, "errorCount", "bytesIn", "bytesOut", "latencyBuckets"',
  );
  return sql`(
    SELECT minute AS t, ${columns} FROM usage_minutes
    WHERE ${rollupConditions('minute', window, filters, consumerScope)}
    UNION ALL
    SELECT hour AS t, ${columns} FROM usage_hours
    WHERE ${rollupConditions('hour', window, filters, consumerScope)}
  )`;
}
