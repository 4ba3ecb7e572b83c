import { randomBytes } from 'node:crypto';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { createAppCaller } from '../src/root';
import type { RegistryProbe } from '../src/services/registries/registry-probe';
import { PorticoError } from '../src/services/shared/domain-errors';
import type { Actor, ApiContext, OperatorRole } from '../src/trpc';

/** The six kinds of caller the role matrix runs through. */
export const CALLERS = ['owner', 'admin', 'editor', 'viewer', 'developer', 'anonymous'] as const;
export type CallerName = (typeof CALLERS)[number];

export interface TestUser {
  id: string;
  email: string;
}

export type AppCaller = ReturnType<typeof createAppCaller>;

export interface SetCookieCall {
  kind: 'set' | 'clear';
  value?: string;
}

export interface ApiHarness {
  db: Db;
  url: string;
  secretKey: Buffer;
  sessionSigningKey: Uint8Array;
  /** One user per role plus a developer; `otherDeveloper` owns things the developer must not reach. */
  users: Record<Exclude<CallerName, 'anonymous'> | 'otherDeveloper', TestUser>;
  /** A caller acting as `who`; `now` shifts the clock the procedures see. */
  as(
    who: CallerName | 'otherDeveloper',
    options?: { now?: () => Date; probeRegistry?: RegistryProbe },
  ): AppCaller;
  /** Cookie writes the procedures asked for, newest last. */
  cookieCalls: SetCookieCall[];
  drop(): Promise<void>;
}

/** The actor of a caller showing a personal token of `user`: an operator with `role`, or a developer. */
export function tokenActor(user: TestUser, role: OperatorRole | 'developer'): Actor {
  const token = { via: 'token', sessionId: null, tokenId: null } as const;
  return role === 'developer'
    ? { kind: 'developer', userId: user.id, email: user.email, ...token }
    : { kind: 'operator', userId: user.id, email: user.email, role, ...token };
}

function actorFor(who: CallerName | 'otherDeveloper', user: TestUser | undefined): Actor | null {
  if (who === 'anonymous' || !user) return null;
  return tokenActor(user, who === 'otherDeveloper' ? 'developer' : who);
}

/** A fresh migrated database with one user of each role, and callers acting as each of them. */
export async function createApiHarness(): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const secretKey = randomBytes(32);
  const sessionSigningKey = randomBytes(32);
  const suffix = randomBytes(3).toString('hex');
  const users = {} as ApiHarness['users'];
  const roles: (OperatorRole | 'developer' | 'otherDeveloper')[] = [
    'owner',
    'admin',
    'editor',
    'viewer',
    'developer',
    'otherDeveloper',
  ];
  for (const role of roles) {
    const id = newId('user');
    const email = `${role.toLowerCase()}-${suffix}@example.test`;
    const isDeveloper = role === 'developer' || role === 'otherDeveloper';
    await database.db.user.create({
      data: {
        id,
        email,
        name: role,
        passwordHash: 'not-used-in-these-tests',
        kind: isDeveloper ? 'developer' : 'operator',
        role: isDeveloper ? null : role,
      },
    });
    users[role] = { id, email };
  }
  const cookieCalls: SetCookieCall[] = [];
  return {
    db: database.db,
    url: database.url,
    secretKey,
    sessionSigningKey,
    users,
    cookieCalls,
    as(who, options = {}) {
      const ctx: ApiContext = {
        db: database.db,
        sessionSigningKey,
        secretKey,
        now: options.now ?? (() => new Date()),
        ...(options.probeRegistry ? { probeRegistry: options.probeRegistry } : {}),
        actor: actorFor(who, who === 'anonymous' ? undefined : users[who]),
        requestId: newId('request'),
        clientIp: '127.0.0.1',
        userAgent: 'vitest',
        cookies: {
          setSession: (value) => cookieCalls.push({ kind: 'set', value }),
          clearSession: () => cookieCalls.push({ kind: 'clear' }),
        },
      };
      return createAppCaller(ctx);
    },
    drop: () => database.drop(),
  };
}

const TABLES = [
  'users',
  'sessions',
  'personal_access_tokens',
  'invites',
  'machine_tokens',
  'registry_connections',
  'services',
  'apis',
  'routes',
  'plans',
  'plan_apis',
  'consumers',
  'subscriptions',
  'api_keys',
  'consumer_credentials',
  'credential_changes',
  'config_versions',
  'audit_log',
  'user_tokens',
  'developer_invites',
  'portal_settings',
] as const;

/**
 * A digest of every row of every table the API writes: equal before and after a refused call
 * proves that nothing at all was written, not only that the targeted row is unchanged.
 */
export async function databaseFingerprint(db: Db): Promise<Record<string, string>> {
  const parts = TABLES.map(
    (table) =>
      `SELECT '${table}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${table}" x`,
  );
  const rows = await db.$queryRawUnsafe<{ t: string; h: string }[]>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

/** Runs `call`, expects a TRPCError with `code`, and returns it for further checks. */
export async function expectTrpcError(
  call: Promise<unknown>,
  code: TRPCError['code'],
): Promise<TRPCError> {
  let caught: unknown = null;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${code} error`).toBeInstanceOf(TRPCError);
  const error = caught as TRPCError;
  expect(error.code, error.message).toBe(code);
  return error;
}

/** Unique, valid entity names so cases never collide with each other. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Runs `call`, expects it to fail with a TRPCError of any code, and returns it for further checks. */
/** The PorticoError a service function (called below the tRPC boundary) rejects with. */
export async function domainErrorOf(call: Promise<unknown>): Promise<PorticoError> {
  return rejectionOf(call, PorticoError);
}

export async function trpcErrorOf(call: Promise<unknown>): Promise<TRPCError> {
  return rejectionOf(call, TRPCError);
}

async function rejectionOf<E>(
  call: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}
