import { type DataPlaneErrorCode, DP_ERRORS, formatIssues } from '@portico/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { sendCodedProblem } from '../http/problem';

/** Sends an RFC 9457 problem document carrying the request id. */
export function sendDpProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: DataPlaneErrorCode,
  detail: string,
) {
  if (DP_ERRORS[code].status === 401) reply.header('www-authenticate', 'Bearer realm="portico-dp"');
  return sendCodedProblem(reply, request, DP_ERRORS, code, detail);
}

/** Answers a request whose input failed its schema: DP_INVALID_INPUT naming every issue. */
export function sendIssues(reply: FastifyReply, request: FastifyRequest, error: z.ZodError) {
  return sendDpProblem(reply, request, 'DP_INVALID_INPUT', formatIssues(error).join('; '));
}

/** The problem code for an error Fastify raised before the handler ran (body parsing, limits). */
export function codeForStatus(status: number): DataPlaneErrorCode {
  if (status === 413) return 'DP_PAYLOAD_TOO_LARGE';
  if (status === 415) return 'DP_UNSUPPORTED_MEDIA_TYPE';
  if (status >= 400 && status < 500) return 'DP_INVALID_INPUT';
  return 'DP_INTERNAL';
}
