import { sql } from '@portico/db';

/**
 * The update of an existing rollup cell (the table aliased `u`) by an incoming one: counts and
 * bytes add, and latency histograms add bucket by bucket (a missing bucket counts as 0). Batch
 * apply (into minutes) and compaction (into hours) both use it, so a cell sums the same in both.
 */
export const ADD_TO_ROLLUP_CELL = sql`
  count = u.count + EXCLUDED.count,
  "errorCount" = u."errorCount" + EXCLUDED."errorCount",
  "bytesIn" = u."bytesIn" + EXCLUDED."bytesIn",
  "bytesOut" = u."bytesOut" + EXCLUDED."bytesOut",
  "latencyBuckets" = (
    SELECT array_agg(COALESCE(p, 0) + COALESCE(q, 0) ORDER BY i)
    FROM unnest(u."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS t(p, q, i)
  )`;
