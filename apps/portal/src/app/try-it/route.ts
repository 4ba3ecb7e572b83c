import { portalEnv } from '../../env';
import { loadBranding } from '../../lib/branding';
import { loadDeveloper } from '../../lib/session';
import {
  gatewayTarget,
  outgoingHeaders,
  type TryItResponse,
  ZTryItRequest,
} from '../../lib/try-it-request';
import { problem } from '../../lib/upstream-headers';

export const dynamic = 'force-dynamic';

/** The most of a response body the page shows. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * Try it: sends a developer's request to the operator's gateway from the portal's server, so the
 * browser has no CORS problem, and answers the gateway's real status, headers and body (429s
 * included). Only signed-in developers may use it, and only towards the gateway.
 */
export async function POST(request: Request): Promise<Response> {
  // A cross-site form cannot send JSON without a preflight, which this route never answers.
  if ((request.headers.get('content-type') ?? '').split(';')[0]?.trim() !== 'application/json') {
    return problem(415, 'Unsupported media type', 'send the request as application/json');
  }
  const developer = await loadDeveloper();
  if (!developer) return problem(401, 'Sign in first', 'sign in to the portal to use Try it');

  const parsed = ZTryItRequest.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return problem(400, 'Invalid Try it request', detail.join('; '));
  }
  const env = portalEnv();
  const gatewayUrl = env.PORTICO_PORTAL_GATEWAY_URL ?? (await loadBranding()).publicGatewayUrl;
  const target = gatewayTarget(gatewayUrl, parsed.data.path);
  if (!target) return problem(400, 'Invalid Try it request', 'path: must stay on the gateway');

  const started = performance.now();
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: parsed.data.method,
      headers: outgoingHeaders(parsed.data),
      body:
        parsed.data.method === 'GET' || parsed.data.method === 'HEAD'
          ? null
          : (parsed.data.body ?? null),
      redirect: 'manual',
      signal: AbortSignal.timeout(env.PORTICO_PORTAL_TRY_IT_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return problem(
      timedOut ? 504 : 502,
      timedOut ? 'Gateway timed out' : 'Gateway unreachable',
      timedOut
        ? `the gateway did not answer within ${env.PORTICO_PORTAL_TRY_IT_TIMEOUT_MS} ms`
        : `the portal could not reach the gateway at ${target.origin}`,
    );
  }
  const bytes = new Uint8Array(await upstream.arrayBuffer());
  const answer: TryItResponse = {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: [...upstream.headers.entries()],
    body: new TextDecoder().decode(bytes.subarray(0, MAX_BODY_BYTES)),
    truncated: bytes.length > MAX_BODY_BYTES,
    durationMs: Math.round(performance.now() - started),
    url: target.toString(),
  };
  return Response.json(answer, { headers: { 'cache-control': 'no-store' } });
}
