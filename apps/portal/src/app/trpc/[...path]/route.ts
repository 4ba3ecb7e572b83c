import { forwardToControlPlane } from '@portico/api/edge';
import { portalEnv } from '../../../env';

// Proxied at request time, not baked in at build time like a rewrite: one portal build (one
// container image) can point at whichever control plane PORTICO_CONTROL_URL names. The control
// plane applies the same session cookie and CSRF/Origin rules as for the console (the portal's
// origin must be listed in PORTICO_CONSOLE_ORIGINS).
export const dynamic = 'force-dynamic';

function forward(request: Request): Promise<Response> {
  return forwardToControlPlane(request, {
    controlUrl: portalEnv().PORTICO_CONTROL_URL,
    who: 'portal',
  });
}

export const GET = forward;
export const POST = forward;
