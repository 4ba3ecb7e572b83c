import { portalEnv } from '../../../env';
import { NOT_FORWARDED, NOT_RETURNED, problem } from '../../../lib/upstream-headers';

// Proxied at request time, not baked in at build time like a rewrite: one portal build (one
// container image) can point at whichever control plane PORTICO_CONTROL_URL names. The control
// plane applies the same session cookie and CSRF/Origin rules as for the console (the portal's
// origin must be listed in PORTICO_CONSOLE_ORIGINS).
export const dynamic = 'force-dynamic';

async function forward(request: Request): Promise<Response> {
  const env = portalEnv();
  const incoming = new URL(request.url);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers.set(name, value);
  });
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
    return problem(
      502,
      'Control plane unreachable',
      'the portal could not reach the control plane; try again shortly',
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
