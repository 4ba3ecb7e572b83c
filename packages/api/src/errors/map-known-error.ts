import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { PorticoError } from '../services/shared/domain-errors';
import { CONTROL_ERRORS } from './control-errors';

export interface ValidationIssue {
  path: string[];
  message: string;
}

function pathSegment(segment: unknown): string {
  if (typeof segment === 'object' && segment !== null && 'key' in segment)
    return String(segment.key);
  return String(segment);
}

/**
 * The issues of a validation failure: a ZodError thrown by a service, or the Standard Schema
 * error tRPC raises when it validates procedure input. Null for anything else.
 */
export function validationIssues(cause: unknown): ValidationIssue[] | null {
  if (
    cause instanceof ZodError ||
    (typeof cause === 'object' && cause !== null && 'issues' in cause)
  ) {
    const issues = (cause as { issues: unknown }).issues;
    if (!Array.isArray(issues)) return null;
    return issues.map((issue: unknown) => {
      const record = (typeof issue === 'object' && issue !== null ? issue : {}) as {
        path?: unknown;
        message?: unknown;
      };
      return {
        path: Array.isArray(record.path) ? record.path.map(pathSegment) : [],
        message: typeof record.message === 'string' ? record.message : 'is invalid',
      };
    });
  }
  return null;
}

/** `field.path: message; other.field: message` — what a person needs to fix the input. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
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

/** Tables of prisma/schema.prisma (their @@map names; a test keeps the list whole). */
export const TABLE_NAMES: readonly string[] = [
  'analytics_batches',
  'api_keys',
  'apis',
  'audit_log',
  'certificates',
  'config_versions',
  'consumer_credentials',
  'consumers',
  'credential_changes',
  'data_plane_nodes',
  'developer_invites',
  'invites',
  'machine_tokens',
  'personal_access_tokens',
  'plan_apis',
  'plans',
  'portal_settings',
  'quota_notifications',
  'registry_connections',
  'request_log',
  'routes',
  'secrets',
  'services',
  'sessions',
  'subscriptions',
  'usage_error_hours',
  'usage_error_minutes',
  'usage_hours',
  'usage_minutes',
  'user_tokens',
  'users',
];

/** Longest first, so a table whose name prefixes another's (`usage_hours`, `users`) cannot match too early. */
const TABLES_LONGEST_FIRST = [...TABLE_NAMES].sort((a, b) => b.length - a.length);

/** `users_email_key` -> ['email']; `subscriptions_consumerId_planId_key` -> ['consumerId', 'planId']. */
export function fieldsFromIndexName(index: string): string[] {
  const withoutSuffix = index.replace(/_key$/, '');
  const table = TABLES_LONGEST_FIRST.find((t) => withoutSuffix.startsWith(`${t}_`));
  if (!table) return [index];
  return withoutSuffix.slice(table.length + 1).split('_');
}

/** Field names of a violated unique constraint, wherever this Prisma version puts them. */
export function uniqueViolationFields(error: PrismaLikeError): string[] {
  const meta = error.meta ?? {};
  const target = meta.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return fieldsFromIndexName(target);
  const adapterError = meta.driverAdapterError;
  if (typeof adapterError === 'object' && adapterError !== null && 'cause' in adapterError) {
    const cause = adapterError.cause;
    if (typeof cause === 'object' && cause !== null && 'constraint' in cause) {
      const constraint = cause.constraint;
      if (typeof constraint === 'object' && constraint !== null) {
        if ('fields' in constraint && Array.isArray(constraint.fields))
          return constraint.fields.map(String);
        if ('index' in constraint && typeof constraint.index === 'string')
          return fieldsFromIndexName(constraint.index);
      }
    }
  }
  return [];
}

const ENTITY_NAMES: Record<string, string> = {
  User: 'a user',
  RegistryConnection: 'a registry',
  Secret: 'a secret',
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
 * Turns errors with a known meaning (a service's PorticoError, validation issues, Prisma's
 * constraint errors) into the tRPC error a caller can act on; returns null for
 * everything else (which stays an INTERNAL_SERVER_ERROR that leaks nothing).
 */
export function mapKnownError(error: TRPCError): TRPCError | null {
  const cause = error.cause;
  if (cause instanceof PorticoError) {
    // The service's own verdict: the catalogue says which tRPC code carries it; the message is kept.
    return new TRPCError({ code: CONTROL_ERRORS[cause.code].trpc, message: cause.message, cause });
  }
  const issues = validationIssues(cause);
  if (issues) {
    // Also rewrites tRPC's own input errors, whose message is the raw issue JSON.
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: describeIssues(issues),
      cause: cause as Error,
    });
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
