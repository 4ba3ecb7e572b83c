import type { IncomingMessage } from 'node:http';
import type { CompiledApi } from '../config/compiled-config';
import { addCorsFor } from '../policies/cors';

/** The request whose answer the gateway's own headers are added to. */
export interface AnsweredRequest {
  readonly req: IncomingMessage;
  readonly requestId: string;
  /** The limiter's headers for an admitted, limited request. */
  readonly limitHeaders: Record<string, string> | null;
}

/**
 * Adds what the gateway puts on every answer it relays or serves: the request id, the limiter's
 * headers and the API's CORS headers, after the upstream's (or the cache's) own.
 */
export function addGatewayHeaders(
  answered: AnsweredRequest,
  entry: Pick<CompiledApi, 'cors'>,
  headers: string[],
): void {
  headers.push('x-request-id', answered.requestId);
  const limitHeaders = answered.limitHeaders;
  if (limitHeaders !== null)
    for (const name in limitHeaders) headers.push(name, limitHeaders[name] as string);
  addCorsFor(entry.cors, answered.req, headers);
}
