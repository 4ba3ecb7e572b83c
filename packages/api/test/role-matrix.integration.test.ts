import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/services/auth/passwords';
import { type Fixtures, fixtures } from './fixtures';
import {
  type ApiHarness,
  type AppCaller,
  CALLERS,
  type CallerName,
  createApiHarness,
  databaseFingerprint,
  expectTrpcError,
  uniqueName,
} from './harness';

type Outcome = 'ok' | TRPCError['code'];

interface CaseContext {
  h: ApiHarness;
  fx: Fixtures;
  who: CallerName;
  /** The caller's user id (the owner's for anonymous, whose call is refused anyway). */
  userId: string;
}

interface MatrixCase {
  procedure: string;
  allowed: readonly CallerName[];
  /** Overrides the outcome for everyone (e.g. setup, refused once operators exist). */
  outcome?: (who: CallerName) => Outcome;
  /** False for calls that legitimately write nothing (sign-out without a session). */
  audited?: boolean;
  run(caller: AppCaller, c: CaseContext): Promise<unknown>;
}

const EVERYONE = CALLERS;
const SIGNED_IN: readonly CallerName[] = ['owner', 'admin', 'editor', 'viewer', 'developer'];
const ADMINS: readonly CallerName[] = ['owner', 'admin'];
const EDITORS: readonly CallerName[] = ['owner', 'admin', 'editor'];
/** Editors, and developers acting on what they own. */
const OWNERS: readonly CallerName[] = ['owner', 'admin', 'editor', 'developer'];

const SIGN_IN_PASSWORD = 'correct horse battery staple';
let signInEmail = '';

const OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  paths: { '/pets': { get: {}, post: {} }, '/pets/{petId}': { get: { operationId: 'getPet' } } },
});

const CASES: MatrixCase[] = [
  {
    procedure: 'auth.setup',
    allowed: EVERYONE,
    outcome: () => 'PRECONDITION_FAILED',
    run: (c) =>
      c.auth.setup({
        email: `${uniqueName('setup')}@example.test`,
        password: 'long enough password',
        name: 'x',
      }),
  },
  {
    procedure: 'auth.signIn',
    allowed: EVERYONE,
    run: (c) => c.auth.signIn({ email: signInEmail, password: SIGN_IN_PASSWORD }),
  },
  { procedure: 'auth.signOut', allowed: SIGNED_IN, audited: false, run: (c) => c.auth.signOut() },
  {
    procedure: 'portal.auth.signUp',
    allowed: EVERYONE,
    run: (c) =>
      c.portal.auth.signUp({
        email: `${uniqueName('dev')}@example.test`,
        password: 'long enough password',
        name: 'Dev',
      }),
  },
  {
    procedure: 'auth.acceptInvite',
    allowed: EVERYONE,
    run: async (c, { fx }) => {
      const { token } = await fx.invite();
      return c.auth.acceptInvite({ token, password: 'long enough password', name: 'Invitee' });
    },
  },
  {
    procedure: 'users.invite',
    allowed: ADMINS,
    run: (c) => c.users.invite({ email: `${uniqueName('inv')}@example.test`, role: 'viewer' }),
  },
  {
    procedure: 'users.updateRole',
    allowed: ADMINS,
    run: async (c, { fx }) =>
      c.users.updateRole({ id: (await fx.operator('editor')).id, role: 'viewer' }),
  },
  {
    procedure: 'users.disable',
    allowed: ADMINS,
    run: async (c, { fx }) => c.users.disable({ id: (await fx.operator('viewer')).id }),
  },
  {
    procedure: 'tokens.createPersonal',
    allowed: SIGNED_IN,
    run: (c) => c.tokens.createPersonal({ name: 'ci' }),
  },
  {
    procedure: 'tokens.revokePersonal',
    allowed: SIGNED_IN,
    run: async (c, { fx, userId }) =>
      c.tokens.revokePersonal({ id: (await fx.personalToken(userId)).row.id }),
  },
  {
    procedure: 'tokens.createMachine',
    allowed: ADMINS,
    run: (c) =>
      c.tokens.createMachine({ kind: 'registry', name: 'payments', scopes: ['register'] }),
  },
  {
    procedure: 'tokens.revokeMachine',
    allowed: ADMINS,
    run: async (c, { fx }) => c.tokens.revokeMachine({ id: (await fx.machineToken()).id }),
  },
  {
    procedure: 'registries.create',
    allowed: EDITORS,
    run: (c) =>
      c.registries.create({
        name: uniqueName('reg'),
        type: 'etcd',
        address: 'http://127.0.0.1:2379',
        credentials: { password: 's3cret' },
      }),
  },
  {
    procedure: 'registries.update',
    allowed: EDITORS,
    run: async (c, { fx }) =>
      c.registries.update({ id: (await fx.registry()).id, address: 'http://127.0.0.1:8501' }),
  },
  {
    procedure: 'registries.delete',
    allowed: EDITORS,
    run: async (c, { fx }) => c.registries.delete({ id: (await fx.registry()).id }),
  },
  {
    procedure: 'registries.test',
    allowed: EDITORS,
    run: async (c, { fx }) => c.registries.test({ id: (await fx.registry()).id }),
  },
  {
    procedure: 'services.create',
    allowed: EDITORS,
    run: (c) =>
      c.services.create({ name: uniqueName('svc'), targets: [{ host: '127.0.0.1', port: 9001 }] }),
  },
  {
    procedure: 'services.update',
    allowed: EDITORS,
    run: async (c, { fx }) =>
      c.services.update({ id: (await fx.service()).id, description: 'changed' }),
  },
  {
    procedure: 'services.delete',
    allowed: EDITORS,
    run: async (c, { fx }) => c.services.delete({ id: (await fx.service()).id }),
  },
  {
    procedure: 'apis.create',
    allowed: EDITORS,
    run: async (c, { fx }) => {
      const name = uniqueName('api');
      return c.apis.create({
        name,
        basePath: `/${name}`,
        serviceId: (await fx.service()).id,
        routes: [{ path: '/orders', methods: ['GET'] }],
      });
    },
  },
  {
    procedure: 'apis.update',
    allowed: EDITORS,
    run: async (c, { fx }) => {
      const api = await fx.api((await fx.service()).id);
      return c.apis.update({ id: api.id, routes: [{ path: '/v2/*', methods: [] }] });
    },
  },
  {
    procedure: 'apis.delete',
    allowed: EDITORS,
    run: async (c, { fx }) => c.apis.delete({ id: (await fx.api((await fx.service()).id)).id }),
  },
  {
    procedure: 'apis.importOpenApi',
    allowed: EDITORS,
    run: async (c, { fx }) =>
      c.apis.importOpenApi({
        apiId: (await fx.api((await fx.service()).id)).id,
        document: OPENAPI,
      }),
  },
  {
    procedure: 'plans.create',
    allowed: EDITORS,
    run: (c) =>
      c.plans.create({ name: uniqueName('plan'), rateLimit: { requests: 10, per: 'second' } }),
  },
  {
    procedure: 'plans.update',
    allowed: EDITORS,
    run: async (c, { fx }) =>
      c.plans.update({ id: (await fx.plan()).id, quota: { requests: 1000, per: 'day' } }),
  },
  {
    procedure: 'plans.delete',
    allowed: EDITORS,
    run: async (c, { fx }) => c.plans.delete({ id: (await fx.plan()).id }),
  },
  {
    procedure: 'consumers.create',
    allowed: OWNERS,
    run: (c) => c.consumers.create({ name: uniqueName('con') }),
  },
  {
    procedure: 'consumers.update',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.consumers.update({
        id: (await fx.consumer(h.users.developer.id)).id,
        description: 'changed',
      }),
  },
  {
    procedure: 'consumers.suspend',
    allowed: EDITORS,
    run: async (c, { fx, h }) =>
      c.consumers.suspend({ id: (await fx.consumer(h.users.developer.id)).id }),
  },
  {
    procedure: 'consumers.activate',
    allowed: EDITORS,
    run: async (c, { fx, h }) =>
      c.consumers.activate({ id: (await fx.consumer(h.users.developer.id, 'suspended')).id }),
  },
  {
    procedure: 'consumers.delete',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.consumers.delete({ id: (await fx.consumer(h.users.developer.id)).id }),
  },
  {
    procedure: 'subscriptions.create',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.subscriptions.create({
        consumerId: (await fx.consumer(h.users.developer.id)).id,
        planId: (await fx.plan()).id,
      }),
  },
  {
    procedure: 'subscriptions.approve',
    allowed: EDITORS,
    run: async (c, { fx, h }) => {
      const sub = await fx.subscription(
        (await fx.consumer(h.users.developer.id)).id,
        (await fx.plan()).id,
        'pending',
      );
      return c.subscriptions.approve({ id: sub.id });
    },
  },
  {
    procedure: 'subscriptions.reject',
    allowed: EDITORS,
    run: async (c, { fx, h }) => {
      const sub = await fx.subscription(
        (await fx.consumer(h.users.developer.id)).id,
        (await fx.plan()).id,
        'pending',
      );
      return c.subscriptions.reject({ id: sub.id });
    },
  },
  {
    procedure: 'subscriptions.cancel',
    allowed: OWNERS,
    run: async (c, { fx, h }) => {
      const sub = await fx.subscription(
        (await fx.consumer(h.users.developer.id)).id,
        (await fx.plan()).id,
        'active',
      );
      return c.subscriptions.cancel({ id: sub.id });
    },
  },
  {
    procedure: 'keys.create',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.keys.create({ consumerId: (await fx.consumer(h.users.developer.id)).id, name: 'prod' }),
  },
  {
    procedure: 'keys.rotate',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.keys.rotate({ id: (await fx.key((await fx.consumer(h.users.developer.id)).id)).row.id }),
  },
  {
    procedure: 'keys.revoke',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.keys.revoke({ id: (await fx.key((await fx.consumer(h.users.developer.id)).id)).row.id }),
  },
];

function expectedOutcome(matrixCase: MatrixCase, who: CallerName): Outcome {
  if (matrixCase.outcome) return matrixCase.outcome(who);
  if (matrixCase.allowed.includes(who)) return 'ok';
  return who === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
}

let h: ApiHarness;
let fx: Fixtures;

beforeAll(async () => {
  h = await createApiHarness();
  fx = fixtures(h.db);
  signInEmail = `${uniqueName('signin')}@example.test`;
  await h.db.user.create({
    data: {
      id: uniqueName('usr'),
      email: signInEmail,
      name: 'Sign In',
      passwordHash: await hashPassword(SIGN_IN_PASSWORD),
      kind: 'operator',
      role: 'viewer',
    },
  });
});

afterAll(async () => {
  await h?.drop();
});

describe('role matrix: every mutating procedure × every kind of caller', () => {
  const rows = CASES.flatMap((matrixCase) =>
    CALLERS.map((who) => ({ matrixCase, who, expected: expectedOutcome(matrixCase, who) })),
  );

  it.each(rows.map((r) => [r.matrixCase.procedure, r.who, r.expected, r] as const))(
    '%s as %s → %s',
    async (_p, who, expected, row) => {
      const userId = who === 'anonymous' ? h.users.owner.id : h.users[who].id;
      const context: CaseContext = { h, fx, who, userId };
      const caller = h.as(who);
      if (expected === 'ok') {
        const auditBefore = await h.db.auditLog.count();
        const result = await row.matrixCase.run(caller, context);
        expect(result).toBeDefined();
        if (row.matrixCase.audited !== false)
          expect(await h.db.auditLog.count()).toBeGreaterThan(auditBefore);
        return;
      }
      // Fixtures are written first (they are not what is being tested), then the database is
      // fingerprinted, so the only thing that could change it afterwards is the refused call.
      let before: Record<string, string> | null = null;
      const wrapped: AppCaller = new Proxy(caller, {
        get(target, namespace: string) {
          const ns = (
            target as unknown as Record<
              string,
              Record<string, (input?: unknown) => Promise<unknown>>
            >
          )[namespace];
          return new Proxy(ns ?? {}, {
            get(nsTarget, name: string) {
              const fn = nsTarget[name];
              return async (input?: unknown) => {
                before = await databaseFingerprint(h.db);
                if (!fn) throw new Error(`no procedure ${namespace}.${name}`);
                return fn(input);
              };
            },
          });
        },
      });
      await expectTrpcError(row.matrixCase.run(wrapped, context), expected);
      expect(before, 'the procedure was called').not.toBeNull();
      expect(await databaseFingerprint(h.db)).toEqual(before);
    },
  );
});

interface QueryCase {
  procedure: string;
  allowed: readonly CallerName[];
  run(caller: AppCaller): Promise<unknown>;
}

const VIEWERS: readonly CallerName[] = ['owner', 'admin', 'editor', 'viewer'];

const QUERIES: QueryCase[] = [
  { procedure: 'auth.setupStatus', allowed: EVERYONE, run: (c) => c.auth.setupStatus() },
  { procedure: 'auth.me', allowed: SIGNED_IN, run: (c) => c.auth.me() },
  { procedure: 'users.list', allowed: ADMINS, run: (c) => c.users.list() },
  { procedure: 'tokens.listPersonal', allowed: SIGNED_IN, run: (c) => c.tokens.listPersonal() },
  { procedure: 'tokens.listMachine', allowed: ADMINS, run: (c) => c.tokens.listMachine() },
  { procedure: 'registries.list', allowed: VIEWERS, run: (c) => c.registries.list() },
  { procedure: 'services.list', allowed: VIEWERS, run: (c) => c.services.list() },
  { procedure: 'apis.list', allowed: VIEWERS, run: (c) => c.apis.list({}) },
  { procedure: 'plans.list', allowed: SIGNED_IN, run: (c) => c.plans.list() },
  { procedure: 'consumers.list', allowed: SIGNED_IN, run: (c) => c.consumers.list({}) },
  { procedure: 'subscriptions.list', allowed: SIGNED_IN, run: (c) => c.subscriptions.list({}) },
  { procedure: 'keys.list', allowed: SIGNED_IN, run: (c) => c.keys.list({}) },
  { procedure: 'audit.list', allowed: VIEWERS, run: (c) => c.audit.list({}) },
];

describe('role matrix: queries', () => {
  const rows = QUERIES.flatMap((q) =>
    CALLERS.map(
      (who) =>
        [
          q.procedure,
          who,
          q.allowed.includes(who) ? 'ok' : who === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN',
          q,
        ] as const,
    ),
  );
  it.each(rows)('%s as %s → %s', async (_p, who, expected, q) => {
    if (expected === 'ok') {
      await expect(q.run(h.as(who))).resolves.toBeDefined();
    } else {
      await expectTrpcError(q.run(h.as(who)), expected);
    }
  });
});
