import type { AnalyticsBatch, UsageAggregate } from '@portico/analytics';
import type { Db } from '@portico/db';
import { ADD_TO_ROLLUP_CELL } from './rollup-sql';

export interface ApplyBatchResult {
  /** False when this batch id had already been applied (a redelivery): nothing was counted. */
  applied: boolean;
  /** Requests the batch counts. */
  events: number;
  rollupCells: number;
  /** Raw request-log rows the batch carried. */
  rows: number;
}

/**
 * Applies one batch: the processed-batch record, the minute rollups, the error-code rollups and
 * the raw request log, in ONE statement (so one transaction, and one round trip): every table gets
 * one multi-row insert or upsert whatever the number of cells and rows.
 *
 * The processed-batch insert comes first and everything else is gated on it having inserted a
 * row: when the id is already there (a redelivered job) nothing is written, so no event is
 * counted twice. A second worker applying the same batch at the same moment blocks on that
 * insert until the first commits, then finds the row and writes nothing.
 */
export async function applyBatch(db: Db, batch: AnalyticsBatch): Promise<ApplyBatchResult> {
  const aggregate = batch.aggregate;
  const rows = await db.$queryRaw<{ claimed: bigint }[]>`
    WITH claimed AS (
      INSERT INTO analytics_batches (id, "nodeId", "eventCount", "processedAt")
      VALUES (${batch.id}, ${batch.nodeId}, ${batch.events}, now())
      ON CONFLICT (id) DO NOTHING
      RETURNING id
    ),
    rollups AS (
      INSERT INTO usage_minutes AS u (minute, "apiId", "routeId", "consumerId", "keyId", "statusClass",
        count, "errorCount", "bytesIn", "bytesOut", "latencyBuckets")
      SELECT to_timestamp(x.m / 1000.0) AT TIME ZONE 'UTC', x.a, x.r, x.c, x.k, x.s, x.n, x.e, x.bi, x.bo, x.h
      FROM jsonb_to_recordset(${JSON.stringify(aggregate.rollups)}::jsonb)
        AS x(m bigint, a text, r text, c text, k text, s int, n int, e int, bi bigint, bo bigint, h int[])
      WHERE EXISTS (SELECT 1 FROM claimed)
      -- Sorted by key so concurrent batches lock shared cells in one order and cannot deadlock.
      ORDER BY x.m, x.a, x.r, x.c, x.k, x.s
      ON CONFLICT (minute, "apiId", "routeId", "consumerId", "keyId", "statusClass") DO UPDATE SET
        ${ADD_TO_ROLLUP_CELL}
      RETURNING 1
    ),
    error_rollups AS (
      INSERT INTO usage_error_minutes AS u (minute, "apiId", "routeId", "consumerId", "keyId", "errorCode", count)
      SELECT to_timestamp(x.m / 1000.0) AT TIME ZONE 'UTC', x.a, x.r, x.c, x.k, x.code, x.n
      FROM jsonb_to_recordset(${JSON.stringify(aggregate.errors)}::jsonb)
        AS x(m bigint, a text, r text, c text, k text, code text, n int)
      WHERE EXISTS (SELECT 1 FROM claimed)
      ORDER BY x.m, x.a, x.r, x.c, x.k, x.code
      ON CONFLICT (minute, "apiId", "routeId", "consumerId", "keyId", "errorCode") DO UPDATE SET
        count = u.count + EXCLUDED.count
      RETURNING 1
    ),
    logged AS (
      -- The request id is unique per request; a clash means a gateway reused one, and the log
      -- keeps the first (the rollups still count both).
      INSERT INTO request_log ("requestId", time, "nodeId", "apiId", "routeId", "serviceId", instance,
        "consumerId", "keyId", method, status, "totalMs", "upstreamMs", "bytesIn", "bytesOut", "clientIp",
        "errorCode", tool, "batchId", sampled)
      SELECT x."requestId", to_timestamp(x.time / 1000.0) AT TIME ZONE 'UTC', x."nodeId", x."apiId", x."routeId",
        x."serviceId", x.instance, x."consumerId", x."keyId", x.method, x.status, x."totalMs", x."upstreamMs",
        x."bytesIn", x."bytesOut", x."clientIp", x."errorCode", x.tool, ${batch.id}, x.sampled
      FROM jsonb_to_recordset(${JSON.stringify(batch.rows)}::jsonb) AS x("requestId" text, time bigint,
        "nodeId" text, "apiId" text, "routeId" text, "serviceId" text, instance text, "consumerId" text,
        "keyId" text, method text, status int, "totalMs" double precision, "upstreamMs" double precision,
        "bytesIn" int, "bytesOut" int, "clientIp" text, "errorCode" text, tool text, sampled boolean)
      WHERE EXISTS (SELECT 1 FROM claimed)
      ON CONFLICT ("requestId") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM claimed)::bigint AS claimed`;
  const applied = Number(rows[0]?.claimed ?? 0n) === 1;
  return {
    applied,
    events: batch.events,
    rollupCells: aggregate.rollups.length,
    rows: batch.rows.length,
  };
}

/**
 * Moves keys' and consumer credentials' last-used time forward, one statement each per batch
 * (an event's `keyId` is the API key or the credential, `cred_…`, that authenticated it).
 * Outside the rollup transaction on purpose: it touches rows the control plane also writes, and
 * it is idempotent (only ever forward), so it runs for redelivered batches too.
 */
export async function updateKeysLastUsed(
  db: Db,
  keyLastUsed: UsageAggregate['keyLastUsed'],
): Promise<number> {
  if (keyLastUsed.length === 0) return 0;
  const used = JSON.stringify(keyLastUsed);
  const keys = await setLastUsed(db, 'api_keys', used);
  if (!keyLastUsed.some((x) => x.id.startsWith('cred_'))) return keys;
  const credentials = await setLastUsed(db, 'consumer_credentials', used);
  return keys + credentials;
}

/**
 * Moves `lastUsedAt` forward on the rows of `table` that `used` (JSON of `{ id, t }`) names; a
 * later use already recorded stays. The table is one of two constants, never input.
 */
function setLastUsed(
  db: Db,
  table: 'api_keys' | 'consumer_credentials',
  used: string,
): Promise<number> {
  return db.$executeRawUnsafe(
    `UPDATE ${table} AS r SET "lastUsedAt" = v.t
    FROM (
      SELECT x.id, to_timestamp(x.t / 1000.0) AT TIME ZONE 'UTC' AS t
      FROM jsonb_to_recordset($1::jsonb) AS x(id text, t bigint)
    ) AS v
    WHERE r.id = v.id AND (r."lastUsedAt" IS NULL OR r."lastUsedAt" < v.t)`,
    used,
  );
}
