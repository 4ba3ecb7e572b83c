import { problemDocument } from '@portico/config';
import { newId } from '@portico/id';
import { CONTROL_ERRORS } from '../errors/control-errors';

/** Headers that describe one hop, not the request; fetch sets its own. */
export const NOT_FORWARDED = new Set([
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

/** Headers of an upstream answer that no longer hold once fetch has decoded the body. */
export const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
]);

/**
 * The problem answered when the control plane cannot be reached at all: a catalogue code
 * (`CTL_CONTROL_PLANE_UNREACHABLE`) and a request id of its own, since no control-plane request
 * ever began.
 */
export function controlPlaneUnreachable(who: string): Response {
  const problem = problemDocument(CONTROL_ERRORS, 'CTL_CONTROL_PLANE_UNREACHABLE', {
    detail: `the ${who} could not reach the control plane; try again shortly`,
    requestId: newId('request'),
  });
  return Response.json(problem, {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/**
 * Forwards a same-origin `/trpc` request of the console or the portal to the control plane at
 * `controlUrl`, streaming both bodies, so the control plane's HttpOnly session cookie stays
 * first-party. The control plane believes X-Forwarded-For from these apps (its trusted proxies),
 * so sign-in throttling and audit see the person; Next sets the header from the socket.
 */
export async function forwardToControlPlane(
  request: Request,
  target: { controlUrl: string; who: 'console' | 'portal' },
): Promise<Response> {
  const incoming = new URL(request.url);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers.set(name, value);
  });
  let upstream: Response;
  try {
    upstream = await fetch(`${target.controlUrl}${incoming.pathname}${incoming.search}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.body,
      // Streams the request body instead of buffering it (Node's fetch needs the flag).
      duplex: 'half',
      redirect: 'manual',
    } as RequestInit);
  } catch {
    return controlPlaneUnreachable(target.who);
  }
  const returned = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!NOT_RETURNED.has(name) && name !== 'set-cookie') returned.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) returned.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, headers: returned });
}
