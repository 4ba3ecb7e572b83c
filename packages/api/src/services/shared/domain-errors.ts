import type { ControlErrorCode } from '../../errors/control-errors';

/**
 * An expected failure of a control-plane use case: a code from CONTROL_ERRORS and a message a
 * person can act on (it reaches the caller as is). Services throw it; only the boundary (the tRPC
 * middleware, the HTTP routes) turns it into a response, so services stay free of transport types.
 */
export class PorticoError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PorticoError';
  }
}

/** The one "does not exist" error, also used for things that exist but belong to someone else. */
export function notFound(what: string, id: string): PorticoError {
  return new PorticoError('CTL_NOT_FOUND', `no ${what} with id ${id}`);
}

export function conflict(message: string): PorticoError {
  return new PorticoError('CTL_CONFLICT', message);
}

export function badRequest(message: string): PorticoError {
  return new PorticoError('CTL_INVALID_INPUT', message);
}

export function preconditionFailed(message: string): PorticoError {
  return new PorticoError('CTL_PRECONDITION_FAILED', message);
}

export function forbidden(message: string): PorticoError {
  return new PorticoError('CTL_FORBIDDEN', message);
}
