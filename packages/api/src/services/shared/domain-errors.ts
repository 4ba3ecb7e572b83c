import { TRPCError } from '@trpc/server';

/** The one "does not exist" error, also used for things that exist but belong to someone else. */
export function notFound(what: string, id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `no ${what} with id ${id}` });
}

export function conflict(message: string): TRPCError {
  return new TRPCError({ code: 'CONFLICT', message });
}

export function badRequest(message: string): TRPCError {
  return new TRPCError({ code: 'BAD_REQUEST', message });
}

export function preconditionFailed(message: string): TRPCError {
  return new TRPCError({ code: 'PRECONDITION_FAILED', message });
}
