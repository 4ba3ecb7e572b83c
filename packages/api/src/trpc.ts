import type { Db } from '@portico/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { controlCodeForTrpc } from './errors/control-errors';
import { describeIssues, mapKnownError, validationIssues } from './errors/map-known-error';
import type { SignInThrottle } from './services/auth/sign-in-throttle';
import type { Mailer } from './services/mail/mailer';
import type { RegistryProbe } from './services/registries/registry-probe';
import type { AnalyticsPipelineReader } from './services/usage/analytics-pipeline';

export const OPERATOR_ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Who is calling. Resolved once per request by the control plane from a session cookie or a PAT. */
export type Actor =
  | {
      kind: 'operator';
      userId: string;
      email: string;
      role: OperatorRole;
      via: 'session' | 'token';
      sessionId: string | null;
      tokenId: string | null;
    }
  | {
      kind: 'developer';
      userId: string;
      email: string;
      via: 'session' | 'token';
      sessionId: string | null;
      tokenId: string | null;
    };

/** Cookies a procedure asks the HTTP layer to set (sign-in) or clear (sign-out). */
export interface CookieWriter {
  setSession(value: string, expiresAt: Date): void;
  clearSession(): void;
}

/** Long-lived collaborators built in the control plane's `main` and passed to every call. */
export interface ApiServices {
  db: Db;
  /** HS256 key that signs session cookies. */
  sessionSigningKey: Uint8Array;
  /** 32-byte AES-256-GCM key that seals registry credentials and JWT secrets at rest. */
  secretKey: Buffer;
  /** Wall clock, injectable so expiry can be tested without waiting. */
  now: () => Date;
  /** Lists a registry's services for `registries.test`; without it the test checks reachability only. */
  probeRegistry?: RegistryProbe;
  /** Locks out repeated failed password sign-ins (per process); without it sign-in is not throttled. */
  signInThrottle?: SignInThrottle;
  /**
   * Reads the gateway limiter's live quota counters (raw values, null where a key is absent, in
   * the order asked); without it quota usage comes from the rollups alone.
   */
  quotaCounters?: QuotaCounterReader;
  /** Reads the analytics queue and Redis memory for the console; without it the console says so. */
  analyticsPipeline?: AnalyticsPipelineReader;
  /**
   * Sends the portal's mail (verification, password reset, invitations); without it nothing is
   * sent and the procedures say so (`mailSent: false`).
   */
  mailer?: Mailer;
  /** The developer portal's public URL, which mailed links and the machine catalogue point at. */
  portalUrl?: string;
}

export interface QuotaCounterReader {
  /** The gateway limiter's key prefix; defaults to LIMITER_KEY_PREFIX (tests use their own). */
  keyPrefix?: string;
  read(keys: string[]): Promise<(string | null)[]>;
}

export interface ApiContext extends ApiServices {
  actor: Actor | null;
  requestId: string;
  clientIp: string;
  userAgent: string | null;
  cookies: CookieWriter;
}

export const INTERNAL_ERROR_MESSAGE =
  'something went wrong on our side; quote the request id when reporting it';

const t = initTRPC.context<ApiContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const issues = validationIssues(error.cause);
    return {
      ...shape,
      // tRPC's default message for input errors is the raw issue JSON; say "field.path: problem".
      // Unexpected failures say nothing about their cause (it is logged with the request id).
      message: issues
        ? describeIssues(issues)
        : error.code === 'INTERNAL_SERVER_ERROR'
          ? INTERNAL_ERROR_MESSAGE
          : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        // Same id as the x-request-id header and the server log line, so a report can be traced.
        requestId: ctx?.requestId ?? null,
        // The control plane's catalogue code (docs/errors.md), the same vocabulary as its HTTP problems.
        errorCode: controlCodeForTrpc(error.code),
        issues,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/**
 * Every procedure starts here: validation errors and unique-constraint violations raised anywhere
 * below (input parsing, services, Prisma) become BAD_REQUEST / CONFLICT naming the field.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = mapKnownError(result.error);
    if (mapped) throw mapped;
  }
  return result;
});

const ROLE_RANK: Record<OperatorRole, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** True when `role` is at least `minimum` in viewer < editor < admin < owner. */
export function roleAtLeast(role: OperatorRole, minimum: OperatorRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** Any signed-in caller, operator or developer. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor)
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'sign in or send a personal access token',
    });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/**
 * Operators with at least `minimum` role. Queries use 'viewer'; config mutations 'editor';
 * members, tokens and data-plane credentials 'admin'.
 */
export function operatorProcedure(minimum: OperatorRole) {
  return authedProcedure.use(({ ctx, next }) => {
    const actor = ctx.actor;
    if (actor.kind !== 'operator') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'this needs an operator account' });
    }
    if (!roleAtLeast(actor.role, minimum)) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `this needs the ${minimum} role or higher; you are ${actor.role}`,
      });
    }
    return next({ ctx: { ...ctx, actor } });
  });
}

/** Developers of the portal (operators may use portal procedures too, acting for themselves). */
export const developerProcedure = authedProcedure;
