import { REGISTRY_ERRORS, type RegistryErrorCode } from '@portico/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendCodedProblem } from '../http/problem';

/** Sends an RFC 9457 problem document carrying the request id. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: RegistryErrorCode,
  detail: string,
) {
  return sendCodedProblem(reply, request, REGISTRY_ERRORS, code, detail);
}
