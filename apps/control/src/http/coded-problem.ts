import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CodedProblem {
  /** A code of the surface's closed list (`DP_…`, `REG_…`); the problem type is derived from it. */
  code: string;
  status: number;
  title: string;
  detail: string;
}

/** Sends an RFC 9457 problem document for a coded error, carrying the request id. */
export function sendCodedProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  { code, status, title, detail }: CodedProblem,
) {
  return reply
    .code(status)
    .header('content-type', 'application/problem+json')
    .header('x-request-id', request.id)
    .send({
      type: `https://portico.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
      title,
      status,
      code,
      detail,
      instance: request.url.split('?')[0],
      requestId: request.id,
    });
}
