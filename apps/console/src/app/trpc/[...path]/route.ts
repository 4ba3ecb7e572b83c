import { type ConsoleEnv, loadConsoleEnv } from '../../../env';

// Proxied at request time, not baked in at build time like a rewrite: one console build (one
// container image) can then point at whichever control plane PORTICO_CONTROL_URL names.
export const dynamic = 'force-dynamic';

let env: ConsoleEnv | null = null;

/** Headers that describe one hop, not the request; fetch sets its own. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
]);
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
]);

async function forward(request: Request): Promise<Response> {
  env ??= loadConsoleEnv();
  const incoming = new URL(request.url);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers.set(name, value);
  });
  // The control plane believes X-Forwarded-For from the console (PORTICO_CONTROL_TRUSTED_PROXIES),
  // so sign-in throttling and audit see the person, not the console. Next sets it from the socket.
  let upstream: Response;
  try {
    upstream = await fetch(`${env.PORTICO_CONTROL_URL}${incoming.pathname}${incoming.search}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.body,
      // Streams the request body instead of buffering it (Node's fetch needs the flag).
      duplex: 'half',
      redirect: 'manual',
    } as RequestInit);
  } catch {
    return Response.json(
      {
        type: 'about:blank',
        title: 'Control plane unreachable',
        status: 502,
        detail: 'the console could not reach the control plane; try again shortly',
      },
      { status: 502, headers: { 'content-type': 'application/problem+json' } },
    );
  }
  const returned = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!NOT_RETURNED.has(name) && name !== 'set-cookie') returned.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) returned.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, headers: returned });
}

export const GET = forward;
export const POST = forward;
