import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/** `field.path: message; other.field: message` — what a person needs to fix the input. */
export function describeZodIssues(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path.length > 0 ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

interface PrismaLikeError {
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaKnownError(value: unknown): value is PrismaLikeError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'string' &&
    /^P\d{4}$/.test(value.code) &&
    value.constructor?.name === 'PrismaClientKnownRequestError'
  );
}

/** Field names of a violated unique constraint, wherever this Prisma version puts them. */
export function uniqueViolationFields(error: PrismaLikeError): string[] {
  const meta = error.meta ?? {};
  const target = meta.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  const adapterError = meta.driverAdapterError;
  if (typeof adapterError === 'object' && adapterError !== null && 'cause' in adapterError) {
    const cause = adapterError.cause;
    if (typeof cause === 'object' && cause !== null && 'constraint' in cause) {
      const constraint = cause.constraint;
      if (typeof constraint === 'object' && constraint !== null) {
        if ('fields' in constraint && Array.isArray(constraint.fields))
          return constraint.fields.map(String);
        if ('index' in constraint && typeof constraint.index === 'string')
          return [constraint.index];
      }
    }
  }
  return [];
}

const ENTITY_NAMES: Record<string, string> = {
  User: 'a user',
  RegistryConnection: 'a registry',
  Service: 'a service',
  Api: 'an API',
  Plan: 'a plan',
  Consumer: 'a consumer',
  Subscription: 'a subscription',
  ApiKey: 'a key',
  PersonalAccessToken: 'a token',
  MachineToken: 'a token',
};

/**
 * Turns errors with a known meaning into the tRPC error a caller can act on; returns null for
 * everything else (which stays an INTERNAL_SERVER_ERROR that leaks nothing).
 */
export function mapKnownError(error: TRPCError): TRPCError | null {
  const cause = error.cause;
  if (cause instanceof ZodError) {
    // Also rewrites tRPC's own input errors, whose message is the raw issue JSON.
    return new TRPCError({ code: 'BAD_REQUEST', message: describeZodIssues(cause), cause });
  }
  if (isPrismaKnownError(cause)) {
    if (cause.code === 'P2002') {
      const fields = uniqueViolationFields(cause);
      const field = fields.length > 0 ? fields.join(', ') : 'a unique field';
      const model = typeof cause.meta?.modelName === 'string' ? cause.meta.modelName : '';
      const entity = ENTITY_NAMES[model] ?? 'another record';
      return new TRPCError({
        code: 'CONFLICT',
        message: `${field}: ${entity} with this ${field} already exists`,
        cause,
      });
    }
    if (cause.code === 'P2025') {
      return new TRPCError({
        code: 'NOT_FOUND',
        message: 'the record does not exist (any more)',
        cause,
      });
    }
    if (cause.code === 'P2003') {
      return new TRPCError({
        code: 'CONFLICT',
        message: 'the record is still referenced by another one',
        cause,
      });
    }
  }
  return null;
}
