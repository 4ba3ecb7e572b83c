import { forwardToControlPlane } from '@portico/api/edge';
import { type ConsoleEnv, loadConsoleEnv } from '../../../env';

// Proxied at request time, not baked in at build time like a rewrite: one console build (one
// container image) can then point at whichever control plane PORTICO_CONTROL_URL names.
export const dynamic = 'force-dynamic';

let env: ConsoleEnv | null = null;

function forward(request: Request): Promise<Response> {
  env ??= loadConsoleEnv();
  return forwardToControlPlane(request, { controlUrl: env.PORTICO_CONTROL_URL, who: 'console' });
}

export const GET = forward;
export const POST = forward;
