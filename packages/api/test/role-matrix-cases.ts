/**
 * The mutating procedures of the role matrix: who may call each one, and one call of it with
 * fixtures made for the caller. role-matrix.integration.test.ts runs every case as every caller.
 */
import type { TRPCError } from '@trpc/server';
import type { Fixtures } from './fixtures';
import { type ApiHarness, type AppCaller, CALLERS, type CallerName, uniqueName } from './harness';

export type Outcome = 'ok' | TRPCError['code'];

export interface CaseContext {
  h: ApiHarness;
  fx: Fixtures;
  who: CallerName;
  /** The caller's user id (the owner's for anonymous, whose call is refused anyway). */
  userId: string;
}

export interface MatrixCase {
  procedure: string;
  allowed: readonly CallerName[];
  /** Overrides the outcome for everyone (e.g. setup, refused once operators exist). */
  outcome?: (who: CallerName) => Outcome;
  /** False for calls that legitimately write nothing (sign-out without a session). */
  audited?: boolean;
  run(caller: AppCaller, c: CaseContext): Promise<unknown>;
}

export const EVERYONE = CALLERS;
export const SIGNED_IN: readonly CallerName[] = ['owner', 'admin', 'editor', 'viewer', 'developer'];
export const ADMINS: readonly CallerName[] = ['owner', 'admin'];
const EDITORS: readonly CallerName[] = ['owner', 'admin', 'editor'];
/** Editors, and developers acting on what they own. */
const OWNERS: readonly CallerName[] = ['owner', 'admin', 'editor', 'developer'];

export const SIGN_IN_PASSWORD = 'correct horse battery staple';
/** The viewer the test file creates with SIGN_IN_PASSWORD, so `auth.signIn` has someone to sign in. */
export const SIGN_IN_EMAIL = `${uniqueName('signin')}@example.test`;

const OPENAPI = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Pets', version: '1' },
  paths: { '/pets': { get: {}, post: {} }, '/pets/{petId}': { get: { operationId: 'getPet' } } },
});

/** A subscription of the developer's consumer to a fresh plan, in `status`. */
async function developerSubscription({ fx, h }: CaseContext, status: 'pending' | 'active') {
  return fx.subscription(
    (await fx.consumer(h.users.developer.id)).id,
    (await fx.plan()).id,
    status,
  );
}

export const CASES: MatrixCase[] = [
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
    run: (c) => c.auth.signIn({ email: SIGN_IN_EMAIL, password: SIGN_IN_PASSWORD }),
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
    run: async (c, ctx) =>
      c.subscriptions.approve({ id: (await developerSubscription(ctx, 'pending')).id }),
  },
  {
    procedure: 'subscriptions.reject',
    allowed: EDITORS,
    run: async (c, ctx) =>
      c.subscriptions.reject({ id: (await developerSubscription(ctx, 'pending')).id }),
  },
  {
    procedure: 'subscriptions.cancel',
    allowed: OWNERS,
    run: async (c, ctx) =>
      c.subscriptions.cancel({ id: (await developerSubscription(ctx, 'active')).id }),
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
  {
    procedure: 'credentials.create',
    allowed: OWNERS,
    run: async (c, { fx, h }) =>
      c.credentials.create({
        consumerId: (await fx.consumer(h.users.developer.id)).id,
        name: 'ci',
        spec: { kind: 'basic', username: uniqueName('user'), password: 'a long enough password' },
      }),
  },
  {
    procedure: 'credentials.revoke',
    allowed: OWNERS,
    run: async (c, { fx, h }) => {
      const consumer = await fx.consumer(h.users.developer.id);
      const credential = await h.db.consumerCredential.create({
        data: {
          id: uniqueName('cred'),
          consumerId: consumer.id,
          kind: 'basic',
          name: 'ci',
          identifier: uniqueName('user'),
          secretHash:
            '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        },
      });
      return c.credentials.revoke({ id: credential.id });
    },
  },
];

export function expectedOutcome(matrixCase: MatrixCase, who: CallerName): Outcome {
  if (matrixCase.outcome) return matrixCase.outcome(who);
  if (matrixCase.allowed.includes(who)) return 'ok';
  return who === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN';
}
