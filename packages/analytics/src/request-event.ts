import { z } from 'zod';

/** Gateway error codes are stable upper-case strings such as `GW_KEY_INVALID`. */
const ZErrorCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an upper-case gateway error code');

const ZOptionalId = z.string().min(1).max(64).nullable();

/**
 * One proxied request as the gateway saw it. Ids are public ids (`api_…`, `rte_…`, `key_…`);
 * the key itself never appears here, only its id.
 */
export const ZRequestEvent = z.object({
  /** Epoch milliseconds when the request arrived. */
  time: z.number().int().nonnegative(),
  requestId: z.string().min(1).max(64),
  nodeId: z.string().min(1).max(64),
  apiId: ZOptionalId,
  routeId: ZOptionalId,
  serviceId: ZOptionalId,
  /** `host:port` of the upstream instance that answered, null when none was tried. */
  instance: z.string().min(1).max(300).nullable(),
  consumerId: ZOptionalId,
  keyId: ZOptionalId,
  method: z.string().min(1).max(16),
  status: z.number().int().min(100).max(599),
  totalMs: z.number().nonnegative().max(86_400_000),
  /** Null when the gateway answered without calling an upstream. */
  upstreamMs: z.number().nonnegative().max(86_400_000).nullable(),
  bytesIn: z.number().int().nonnegative(),
  bytesOut: z.number().int().nonnegative(),
  /** Possibly anonymised (see `anonymiseIp`); null when unknown. */
  clientIp: z.string().max(64).nullable(),
  /** Set when the gateway answered itself (`GW_QUOTA_EXCEEDED`, `GW_UPSTREAM_TIMEOUT`, …). */
  errorCode: ZErrorCode.nullable(),
  /** The MCP tool a tool call ran; absent or null for REST requests. */
  tool: z.string().min(1).max(128).nullable().optional(),
});
export type RequestEvent = z.infer<typeof ZRequestEvent>;

/** 1 for 1xx … 5xx for 5xx: the status dimension rollups are keyed by. */
export function statusClassOf(status: number): number {
  return Math.min(5, Math.max(1, Math.floor(status / 100)));
}

/**
 * What counts as an error in rollups and summaries: any 4xx or 5xx answer, whether the upstream
 * or the gateway itself produced it. The status class dimension separates the two kinds.
 */
export function isErrorStatus(status: number): boolean {
  return status >= 400;
}
