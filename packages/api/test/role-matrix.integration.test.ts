import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/services/auth/passwords';
import { apiHarnessForFile } from './file-harness';
import {
  type AppCaller,
  CALLERS,
  type CallerName,
  databaseFingerprint,
  expectTrpcError,
  uniqueName,
} from './harness';

import {
  ADMINS,
  CASES,
  type CaseContext,
  EVERYONE,
  expectedOutcome,
  SIGN_IN_EMAIL,
  SIGN_IN_PASSWORD,
  SIGNED_IN,
} from './role-matrix-cases';

const { h, fx } = await apiHarnessForFile();

beforeAll(async () => {
  await h.db.user.create({
    data: {
      id: uniqueName('usr'),
      email: SIGN_IN_EMAIL,
      name: 'Sign In',
      passwordHash: await hashPassword(SIGN_IN_PASSWORD),
      kind: 'operator',
      role: 'viewer',
    },
  });
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
  { procedure: 'credentials.list', allowed: SIGNED_IN, run: (c) => c.credentials.list({}) },
  { procedure: 'audit.list', allowed: VIEWERS, run: (c) => c.audit.list({}) },
  { procedure: 'apis.page', allowed: VIEWERS, run: (c) => c.apis.page({}) },
  { procedure: 'services.page', allowed: VIEWERS, run: (c) => c.services.page({}) },
  { procedure: 'registries.page', allowed: VIEWERS, run: (c) => c.registries.page({}) },
  { procedure: 'plans.page', allowed: VIEWERS, run: (c) => c.plans.page({}) },
  { procedure: 'consumers.page', allowed: SIGNED_IN, run: (c) => c.consumers.page({}) },
  { procedure: 'subscriptions.page', allowed: SIGNED_IN, run: (c) => c.subscriptions.page({}) },
  { procedure: 'keys.page', allowed: SIGNED_IN, run: (c) => c.keys.page({}) },
  {
    procedure: 'portalAdmin.developers.page',
    allowed: VIEWERS,
    run: (c) => c.portalAdmin.developers.page({}),
  },
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
