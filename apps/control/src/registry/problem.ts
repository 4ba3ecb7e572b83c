import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendCodedProblem } from '../http/coded-problem';

/** The registry's closed list of error codes and their HTTP status. */
export const REGISTRY_ERRORS = {
  REG_INVALID_INPUT: { status: 400, title: 'Invalid input' },
  REG_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  REG_FORBIDDEN: { status: 403, title: 'Forbidden' },
  REG_NOT_FOUND: { status: 404, title: 'Not found' },
  REG_UNAVAILABLE: { status: 503, title: 'Registry store unavailable' },
  REG_INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

/** Sends an RFC 9457 problem document carrying the request id. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: RegistryErrorCode,
  detail: string,
) {
  const { status, title } = REGISTRY_ERRORS[code];
  return sendCodedProblem(reply, request, { code, status, title, detail });
}
