import { randomBytes } from 'node:crypto';
import type { Db } from '@portico/db';
import { createTestDatabase } from '@portico/db/testing';
import type { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { configRouter } from '../src/routers/config';
import { dataPlanesRouter } from '../src/routers/data-planes';
import { type ApiContext, createCallerFactory, type OperatorRole, router } from '../src/trpc';
import { tokenActor, trpcErrorOf } from './harness';

/** The config and dataPlanes routers alone, as the control plane mounts them. */
const testRouter = router({ config: configRouter, dataPlanes: dataPlanesRouter });
const createCaller = createCallerFactory(testRouter);

export interface ConfigHarness {
  db: Db;
  url: string;
  secretKey: Buffer;
  /** A caller acting as an operator with `role` (or a portal developer); `now` shifts the clock. */
  as(role: OperatorRole | 'developer', now?: () => Date): ReturnType<typeof createCaller>;
  drop(): Promise<void>;
}

export async function createConfigHarness(): Promise<ConfigHarness> {
  const database = await createTestDatabase();
  const secretKey = randomBytes(32);
  return {
    db: database.db,
    url: database.url,
    secretKey,
    as(role, now = () => new Date()) {
      const ctx: ApiContext = {
        db: database.db,
        sessionSigningKey: randomBytes(32),
        secretKey,
        now,
        actor: tokenActor({ id: `usr_test_${role}`, email: `${role}@example.test` }, role),
        requestId: `req_test_${randomBytes(4).toString('hex')}`,
        clientIp: '127.0.0.1',
        userAgent: 'vitest',
        cookies: { setSession() {}, clearSession() {} },
      };
      return createCaller(ctx);
    },
    drop: () => database.drop(),
  };
}

/** A small but complete declarative file: every kind, discovery, credentials and a consumer. */
export function baseDocument() {
  return {
    registries: [
      {
        name: 'consul-main',
        type: 'consul' as const,
        address: 'http://127.0.0.1:8500',
        credentials: { token: 'consul-secret-token' },
      },
    ],
    services: [
      {
        name: 'orders',
        targets: ['127.0.0.1:9201', { host: '127.0.0.1', port: 9202, weight: 50 }],
      },
      { name: 'billing', discovery: { registry: 'consul-main', service: 'billing' } },
    ],
    apis: [
      {
        name: 'orders-api',
        basePath: '/orders',
        service: 'orders',
        routes: [{ name: 'list', methods: ['GET' as const], path: '/' }],
      },
      { name: 'billing-api', basePath: '/billing', hosts: ['api.example.com'], service: 'billing' },
    ],
    plans: [
      { name: 'free', apis: ['orders-api'], rateLimit: { requests: 10, per: 'second' as const } },
      {
        name: 'pro',
        apis: ['orders-api', 'billing-api'],
        quota: { requests: 1000, per: 'month' as const },
      },
    ],
    consumers: [{ name: 'acme', plans: ['free'] }],
  };
}

/** Row counts of everything apply or publish may write, to prove a failure wrote nothing. */
export async function countRows(db: Db) {
  // One after another: a handful of counts on a test database, read while nothing else writes.
  return {
    registries: await db.registryConnection.count(),
    services: await db.service.count(),
    apis: await db.api.count(),
    routes: await db.route.count(),
    plans: await db.plan.count(),
    consumers: await db.consumer.count(),
    subscriptions: await db.subscription.count(),
    versions: await db.configVersion.count(),
    changes: await db.credentialChange.count(),
    audit: await db.auditLog.count(),
  };
}

type ApplyDocumentInput = Parameters<ReturnType<ConfigHarness['as']>['config']['applyDocument']>[0];

/** What a refused apply must answer: its code, and words its message contains. */
export interface ExpectedRefusal {
  code: TRPCError['code'];
  message: string;
}

/**
 * Applies as an editor, expecting a refusal with `expected`'s code and message that wrote no row;
 * resolves to the refusal for further checks.
 */
export async function refusedApply(
  h: ConfigHarness,
  input: ApplyDocumentInput,
  expected: ExpectedRefusal,
): Promise<TRPCError> {
  const before = await countRows(h.db);
  const error = await trpcErrorOf(h.as('editor').config.applyDocument(input));
  expect(error.code).toBe(expected.code);
  expect(error.message).toContain(expected.message);
  expect(await countRows(h.db)).toEqual(before);
  return error;
}

/** Applies `document` as an editor, expecting it in place already: no change, version or row. */
export async function expectAppliedAlready(
  h: ConfigHarness,
  document: ApplyDocumentInput['document'],
): Promise<void> {
  const before = await countRows(h.db);
  const again = await h.as('editor').config.applyDocument({ document });
  expect(again).toMatchObject({ changes: [], published: null });
  expect(await countRows(h.db)).toEqual(before);
}
