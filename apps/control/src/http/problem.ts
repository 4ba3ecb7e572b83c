import { CONTROL_ERRORS, controlCodeForStatus } from '@portico/api';
import { type ErrorCatalogue, PROBLEM_CONTENT_TYPE, problemDocument } from '@portico/config';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sends the shared problem+json document (see @portico/config) for `code` of a surface's
 * catalogue: the control plane's own routes (CONTROL_ERRORS), the data-plane sync (DP_ERRORS) and
 * the registry (REGISTRY_ERRORS). It carries the request id and the path.
 */
export function sendCodedProblem<Code extends string>(
  reply: FastifyReply,
  request: FastifyRequest,
  catalogue: ErrorCatalogue<Code>,
  code: Code,
  detail: string,
): FastifyReply {
  const problem = problemDocument(catalogue, code, {
    detail,
    requestId: request.id,
    instance: request.url.split('?')[0] ?? '/',
  });
  return reply
    .code(problem.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('x-request-id', request.id)
    .send(problem);
}

/** A problem for an HTTP status raised outside a procedure, under the control plane's catalogue code. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  detail: string,
): FastifyReply {
  return sendCodedProblem(reply, request, CONTROL_ERRORS, controlCodeForStatus(status), detail);
}
