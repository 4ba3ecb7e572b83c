import { type ProblemDocument, problemDocument } from '@portico/config';
import { GATEWAY_ERRORS, type GatewayErrorCode } from '../errors/gateway-errors';

/**
 * JSON-RPC error codes the MCP endpoint answers with. The standard ones for malformed input;
 * one server code for "the gateway refused this call", whose `data` is the same problem
 * (RFC 9457) a REST request would get, so clients see one vocabulary on both surfaces.
 */
export const JSON_RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  GATEWAY_REFUSED: -32000,
} as const;

export type JsonRpcId = string | number | null;

/** The shared problem document, as a JSON-RPC error's `data`. */
export interface GatewayProblemData extends ProblemDocument<GatewayErrorCode> {
  /** Limit headers (RateLimit, Retry-After) as the REST answer would carry them. */
  headers?: Record<string, string>;
}

export function resultMessage(id: JsonRpcId, result: unknown): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${JSON.stringify(result)}}`;
}

/** A result whose JSON is already serialised (cached `tools/list` answers). */
export function rawResultMessage(id: JsonRpcId, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

export function errorMessage(id: JsonRpcId, code: number, message: string, data?: unknown): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  });
}

/** The JSON-RPC error for a call the gateway refused, carrying the REST problem as data. */
export function refusalMessage(
  id: JsonRpcId,
  code: GatewayErrorCode,
  detail: string,
  requestId: string,
  headers?: Record<string, string> | null,
): string {
  const data: GatewayProblemData = problemDocument(
    GATEWAY_ERRORS,
    code,
    { detail, requestId },
    headers ? { headers } : undefined,
  );
  return errorMessage(id, JSON_RPC.GATEWAY_REFUSED, `${data.title}: ${detail}`, data);
}

export interface JsonRpcRequest {
  id: JsonRpcId;
  method: string;
  params: Record<string, unknown>;
}

export type ParsedMessage =
  | { kind: 'request'; request: JsonRpcRequest }
  | { kind: 'notification' }
  | { kind: 'invalid'; id: JsonRpcId; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Classifies one parsed JSON body as a request, a notification (or response), or invalid. */
export function classifyMessage(body: unknown): ParsedMessage {
  if (Array.isArray(body))
    return {
      kind: 'invalid',
      id: null,
      message: 'Invalid Request: JSON-RPC batches are not supported; send one message per POST',
    };
  if (!isRecord(body) || body.jsonrpc !== '2.0')
    return {
      kind: 'invalid',
      id: null,
      message: 'Invalid Request: expected a JSON-RPC 2.0 object',
    };
  const rawId = body.id;
  const hasId = rawId !== undefined;
  const id: JsonRpcId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  if (typeof body.method !== 'string') {
    // A response to a server request: this server sends none, so there is nothing to match.
    if (hasId && ('result' in body || 'error' in body)) return { kind: 'notification' };
    return { kind: 'invalid', id, message: 'Invalid Request: "method" must be a string' };
  }
  if (!hasId) return { kind: 'notification' };
  if (typeof rawId !== 'string' && typeof rawId !== 'number')
    return {
      kind: 'invalid',
      id: null,
      message: 'Invalid Request: "id" must be a string or number',
    };
  if (body.params !== undefined && !isRecord(body.params))
    return { kind: 'invalid', id, message: 'Invalid Request: "params" must be an object' };
  return {
    kind: 'request',
    request: { id, method: body.method, params: isRecord(body.params) ? body.params : {} },
  };
}
