import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

/**
 * CSRF defence for the cookie-authenticated tRPC surface: a POST must carry
 * `content-type: application/json` (HTML forms cannot send it without CORS preflight) and, when
 * the browser sends an Origin, it must be the control plane's own or a configured console origin.
 */
export function createMutationGuard(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return async function mutationGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.method !== 'POST') return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      await sendProblem(
        reply,
        request,
        403,
        'mutations must be sent with content-type: application/json',
      );
      return;
    }
    const origin = request.headers.origin;
    if (origin === undefined) return;
    const own = `${request.protocol}://${request.host}`;
    if (origin !== own && !allowed.has(origin)) {
      await sendProblem(
        reply,
        request,
        403,
        `origin ${origin} may not send mutations; add it to PORTICO_CONSOLE_ORIGINS (a console) or PORTICO_PORTAL_ORIGINS (a developer portal)`,
      );
    }
  };
}
