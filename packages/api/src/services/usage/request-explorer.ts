import type { Db } from '@portico/db';
import { badRequest } from '../shared/domain-errors';
import { joinSql, queryRows, type SqlFragment, sql } from './sql-fragment';

export interface RequestExplorerQuery {
  from?: Date | undefined;
  to?: Date | undefined;
  apiId?: string | undefined;
  routeId?: string | undefined;
  consumerId?: string | undefined;
  keyId?: string | undefined;
  status?: number | undefined;
  statusClass?: number | undefined;
  errorCode?: string | undefined;
  method?: string | undefined;
  /** MCP tool calls of this tool only. */
  tool?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Opaque page cursor: the (time, requestId) of the last row of the previous page. */
function encodeCursor(time: Date, requestId: string): string {
  return Buffer.from(JSON.stringify([time.toISOString(), requestId])).toString('base64url');
}

function decodeCursor(cursor: string): { time: Date; requestId: string } {
  try {
    const [time, requestId] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    const date = typeof time === 'string' ? new Date(time) : null;
    if (date && !Number.isNaN(date.getTime()) && typeof requestId === 'string')
      return { time: date, requestId };
  } catch {
    // fall through to the error below
  }
  throw badRequest('cursor: not a cursor returned by a previous page');
}

/** Raw requests, newest first, with keyset paging (stable while new requests arrive). */
export async function exploreRequests(
  db: Db,
  query: RequestExplorerQuery,
  consumerScope: string[] | null,
) {
  const parts: SqlFragment[] = [sql`TRUE`];
  if (query.from) parts.push(sql`time >= ${query.from}`);
  if (query.to) parts.push(sql`time < ${query.to}`);
  if (query.apiId !== undefined) parts.push(sql`"apiId" = ${query.apiId}`);
  if (query.routeId !== undefined) parts.push(sql`"routeId" = ${query.routeId}`);
  if (query.consumerId !== undefined) parts.push(sql`"consumerId" = ${query.consumerId}`);
  if (query.keyId !== undefined) parts.push(sql`"keyId" = ${query.keyId}`);
  if (query.status !== undefined) parts.push(sql`status = ${query.status}`);
  if (query.statusClass !== undefined) {
    parts.push(
      sql`status >= ${query.statusClass * 100} AND status < ${query.statusClass * 100 + 100}`,
    );
  }
  if (query.errorCode !== undefined) parts.push(sql`"errorCode" = ${query.errorCode}`);
  if (query.method !== undefined) parts.push(sql`method = ${query.method}`);
  if (query.tool !== undefined) parts.push(sql`tool = ${query.tool}`);
  if (consumerScope !== null) parts.push(sql`"consumerId" = ANY(${consumerScope})`);
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    parts.push(sql`(time, "requestId") < (${after.time}, ${after.requestId})`);
  }
  const rows = await queryRows<{
    requestId: string;
    time: Date;
    nodeId: string;
    apiId: string | null;
    routeId: string | null;
    serviceId: string | null;
    instance: string | null;
    consumerId: string | null;
    keyId: string | null;
    method: string;
    status: number;
    totalMs: number;
    upstreamMs: number | null;
    bytesIn: number;
    bytesOut: number;
    clientIp: string | null;
    errorCode: string | null;
    tool: string | null;
    /** A success kept as a sample; errors are always logged, so for them this is false. */
    sampled: boolean;
  }>(
    db,
    sql`
    SELECT "requestId", time, "nodeId", "apiId", "routeId", "serviceId", instance, "consumerId", "keyId", method,
      status, "totalMs", "upstreamMs", "bytesIn", "bytesOut", "clientIp", "errorCode", tool, sampled
    FROM request_log WHERE ${joinSql(parts, ' AND ')}
    ORDER BY time DESC, "requestId" DESC
    LIMIT ${query.limit + 1}`,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ ...r, time: r.time.toISOString() })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.time, last.requestId) : null,
  };
}
