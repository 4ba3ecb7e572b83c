import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiPolicies } from '@portico/config';

type CorsSettings = NonNullable<ApiPolicies['cors']>;

export interface CompiledCors {
  readonly anyOrigin: boolean;
  readonly origins: ReadonlySet<string>;
  readonly methods: ReadonlySet<string>;
  readonly allowMethodsHeader: string;
  readonly allowHeadersHeader: string | null;
  readonly exposeHeadersHeader: string | null;
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds: string;
}

export function compileCors(cors: CorsSettings): CompiledCors {
  return {
    anyOrigin: cors.allowOrigins.includes('*'),
    origins: new Set(cors.allowOrigins.map((o) => o.toLowerCase())),
    methods: new Set(cors.allowMethods),
    allowMethodsHeader: cors.allowMethods.join(', '),
    allowHeadersHeader: cors.allowHeaders.length > 0 ? cors.allowHeaders.join(', ') : null,
    exposeHeadersHeader: cors.exposeHeaders.length > 0 ? cors.exposeHeaders.join(', ') : null,
    allowCredentials: cors.allowCredentials,
    maxAgeSeconds: String(cors.maxAgeSeconds),
  };
}

function originAllowed(cors: CompiledCors, origin: string): boolean {
  return cors.anyOrigin || cors.origins.has(origin.toLowerCase());
}

/** The value for Access-Control-Allow-Origin, or null when this origin gets no CORS headers. */
function allowOriginValue(cors: CompiledCors, origin: string): string | null {
  if (!originAllowed(cors, origin)) return null;
  // A credentialed response may not use "*": echo the origin instead.
  return cors.anyOrigin && !cors.allowCredentials ? '*' : origin;
}

/**
 * Answers a preflight at the gateway. Disallowed origins or methods get a 204 without CORS
 * headers, which is how a browser learns "no" without the upstream ever seeing the request.
 */
export function preflightHeaders(
  cors: CompiledCors,
  origin: string,
  requestMethod: string,
  requestHeaders: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  const allowOrigin = allowOriginValue(cors, origin);
  if (allowOrigin === null || !cors.methods.has(requestMethod.toUpperCase())) return headers;
  headers['access-control-allow-origin'] = allowOrigin;
  headers['access-control-allow-methods'] = cors.allowMethodsHeader;
  const allowHeaders = cors.allowHeadersHeader ?? requestHeaders;
  if (allowHeaders) headers['access-control-allow-headers'] = allowHeaders;
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  headers['access-control-max-age'] = cors.maxAgeSeconds;
  return headers;
}

/**
 * Adds CORS headers for an allowed origin to a proxied response's flat `[name, value, …]` list
 * (lower-case names). An upstream Vary gains `Origin` when the answer depends on it.
 */
export function addCorsResponseHeaders(
  cors: CompiledCors,
  origin: string,
  headers: string[],
): void {
  const allowOrigin = allowOriginValue(cors, origin);
  if (allowOrigin === null) return;
  headers.push('access-control-allow-origin', allowOrigin);
  if (allowOrigin !== '*') {
    let vary = -1;
    for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'vary') vary = i;
    if (vary !== -1) {
      // A response served from the cache may already vary on Origin.
      const value = headers[vary + 1] as string;
      if (!/(^|,)\s*origin\s*(,|$)/i.test(value)) headers[vary + 1] = `${value}, Origin`;
    } else headers.push('vary', 'Origin');
  }
  if (cors.allowCredentials) headers.push('access-control-allow-credentials', 'true');
  if (cors.exposeHeadersHeader)
    headers.push('access-control-expose-headers', cors.exposeHeadersHeader);
}

/** Adds the API's CORS headers to a response when the request came from a browser origin. */
export function addCorsFor(
  cors: CompiledCors | null,
  req: IncomingMessage,
  headers: string[],
): void {
  const origin = req.headers.origin;
  if (cors !== null && origin !== undefined) addCorsResponseHeaders(cors, origin, headers);
}

/** The request a preflight is answered for. */
export interface PreflightRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
}

/**
 * Answers a CORS preflight (an OPTIONS with an origin and a requested method) with 204 and the
 * policy's headers; false, answering nothing, when the request is not a preflight.
 */
export function answerPreflight(preflight: PreflightRequest, cors: CompiledCors): boolean {
  const headersIn = preflight.req.headers;
  const origin = headersIn.origin;
  const requestMethod = headersIn['access-control-request-method'];
  if (origin === undefined || typeof requestMethod !== 'string') return false;
  const headers = preflightHeaders(
    cors,
    origin,
    requestMethod,
    headersIn['access-control-request-headers'],
  );
  headers['x-request-id'] = preflight.requestId;
  preflight.res.writeHead(204, headers);
  preflight.res.end();
  return true;
}
