import { z } from 'zod';

export const TRY_IT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** What the API page sends to the portal's /try-it route. */
export const ZTryItRequest = z.object({
  method: z.enum(TRY_IT_METHODS),
  /** Path and query on the gateway, e.g. /payments/v1/charges?limit=5. */
  path: z
    .string()
    .trim()
    .min(1)
    .max(4000)
    .refine((p) => p.startsWith('/') && !p.startsWith('//'), 'must start with a single /'),
  apiKey: z.string().trim().max(500).optional(),
  headers: z
    .array(z.object({ name: z.string().trim().min(1).max(200), value: z.string().max(8000) }))
    .max(50)
    .default([]),
  body: z.string().max(1_000_000).optional(),
});
export type TryItRequest = z.infer<typeof ZTryItRequest>;

/** What /try-it answers: the gateway's real status, headers and body. */
export interface TryItResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  /** True when the body was longer than the portal shows. */
  truncated: boolean;
  durationMs: number;
  url: string;
}

/** Headers a caller may not set through Try it: they describe the hop or the portal's session. */
const BLOCKED_HEADERS = new Set([
  'host',
  'cookie',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
]);

/**
 * The URL on the gateway: the path is resolved against the gateway's origin and refused if it
 * would leave it, so Try it can only ever reach the operator's gateway.
 */
export function gatewayTarget(gatewayUrl: string, path: string): URL | null {
  const base = new URL(gatewayUrl);
  const target = new URL(path, base);
  return target.origin === base.origin ? target : null;
}

/** The headers sent to the gateway: the caller's (minus hop and session headers) and the key. */
export function outgoingHeaders(request: TryItRequest): Headers {
  const headers = new Headers();
  for (const { name, value } of request.headers) {
    if (!BLOCKED_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  }
  if (request.apiKey) headers.set('x-api-key', request.apiKey);
  return headers;
}
