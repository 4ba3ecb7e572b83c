import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendCodedProblem } from '../http/coded-problem';

/** The sync API's closed list of error codes and their HTTP status. */
export const DP_ERRORS = {
  DP_INVALID_INPUT: { status: 400, title: 'Invalid input' },
  DP_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  DP_PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  DP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  DP_INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type DataPlaneErrorCode = keyof typeof DP_ERRORS;

/** Sends an RFC 9457 problem document carrying the request id. */
export function sendDpProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: DataPlaneErrorCode,
  detail: string,
) {
  const { status, title } = DP_ERRORS[code];
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="portico-dp"');
  return sendCodedProblem(reply, request, { code, status, title, detail });
}

/** The problem code for an error Fastify raised before the handler ran (body parsing, limits). */
export function codeForStatus(status: number): DataPlaneErrorCode {
  if (status === 413) return 'DP_PAYLOAD_TOO_LARGE';
  if (status === 415) return 'DP_UNSUPPORTED_MEDIA_TYPE';
  if (status >= 400 && status < 500) return 'DP_INVALID_INPUT';
  return 'DP_INTERNAL';
}
