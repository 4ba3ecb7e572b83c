import { newId } from '@portico/id';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/root';
import { type Fixtures, fixtures } from './fixtures';
import {
  type ApiHarness,
  type AppCaller,
  createApiHarness,
  databaseFingerprint,
  expectTrpcError,
  uniqueName,
} from './harness';

/**
 * Every procedure of the `portal` router is in exactly one of these tables. A procedure added
 * without an entry fails the first test, so none can ship without its ownership being tried.
 */

/** The other developer's things, which the developer must not see or touch. */
interface Foreign {
  appId: string;
  keyId: string;
  credentialId: string;
  subscriptionId: string;
  /** Listed plans, valid for anyone, so only ownership can refuse the call. */
  listedPlanId: string;
  otherListedPlanId: string;
  /** The developer's own app, for calls mixing one of theirs with one of the other's. */
  ownAppId: string;
}

type Input = (f: Foreign) => unknown;

const WINDOW = () => ({
  from: new Date(Date.now() - 3_600_000).toISOString(),
  to: new Date(Date.now() + 60_000).toISOString(),
});

/** Procedures taking ids: each is called with the other developer's ids (one row per way in). */
const WITH_FOREIGN_IDS: [string, Input][] = [
  ['portal.apps.get', (f) => ({ id: f.appId })],
  ['portal.apps.update', (f) => ({ id: f.appId, name: uniqueName('renamed') })],
  ['portal.apps.delete', (f) => ({ id: f.appId })],
  ['portal.subscriptions.list', (f) => ({ appId: f.appId })],
  ['portal.subscriptions.subscribe', (f) => ({ appId: f.appId, planId: f.otherListedPlanId })],
  [
    'portal.subscriptions.changePlan',
    (f) => ({ subscriptionId: f.subscriptionId, planId: f.otherListedPlanId }),
  ],
  ['portal.subscriptions.cancel', (f) => ({ subscriptionId: f.subscriptionId })],
  ['portal.keys.list', (f) => ({ appId: f.appId })],
  ['portal.keys.page', (f) => ({ appId: f.appId })],
  ['portal.keys.create', (f) => ({ appId: f.appId, name: 'stolen' })],
  ['portal.keys.rotate', (f) => ({ id: f.keyId, gracePeriodSeconds: 60 })],
  ['portal.keys.revoke', (f) => ({ id: f.keyId })],
  ['portal.credentials.list', (f) => ({ appId: f.appId })],
  [
    'portal.credentials.create',
    (f) => ({ appId: f.appId, name: 'stolen', spec: { kind: 'basic', username: uniqueName('u') } }),
  ],
  ['portal.credentials.revoke', (f) => ({ id: f.credentialId })],
  ['portal.usage.series', (f) => ({ ...WINDOW(), granularity: 'minute', appId: f.appId })],
  ['portal.usage.series', (f) => ({ ...WINDOW(), granularity: 'minute', keyId: f.keyId })],
  [
    'portal.usage.series',
    (f) => ({ ...WINDOW(), granularity: 'minute', appId: f.ownAppId, keyId: f.keyId }),
  ],
  ['portal.usage.errors', (f) => ({ ...WINDOW(), appId: f.appId })],
  ['portal.usage.errors', (f) => ({ ...WINDOW(), keyId: f.keyId })],
  ['portal.usage.latency', (f) => ({ ...WINDOW(), appId: f.appId })],
  ['portal.usage.latency', (f) => ({ ...WINDOW(), keyId: f.keyId })],
  ['portal.usage.quota', (f) => ({ appId: f.appId })],
];

/** Procedures without ids that act on the caller's own things only; their results are checked. */
const SELF_ONLY: [string, Input][] = [
  ['portal.auth.me', () => undefined],
  ['portal.apps.list', () => undefined],
  ['portal.apps.page', () => ({})],
  ['portal.subscriptions.list', () => ({})],
  ['portal.keys.list', () => ({})],
  ['portal.keys.page', () => ({})],
  ['portal.credentials.list', () => ({})],
  ['portal.usage.series', () => ({ ...WINDOW(), granularity: 'minute' })],
  ['portal.usage.errors', () => WINDOW()],
  ['portal.usage.latency', () => WINDOW()],
  ['portal.usage.quota', () => ({})],
];

/** Account procedures acting on the caller's own account (tried in the identity tests over HTTP). */
const OWN_ACCOUNT = [
  'portal.auth.signOut',
  'portal.auth.changePassword',
  'portal.auth.deleteAccount',
  'portal.apps.create',
];

/** No session needed; they read only listed things or act through a mailed token. */
const PUBLIC = [
  'portal.settings',
  'portal.auth.signUp',
  'portal.auth.verifyEmail',
  'portal.auth.resendVerification',
  'portal.auth.signIn',
  'portal.auth.forgotPassword',
  'portal.auth.resetPassword',
  'portal.catalog.list',
  'portal.catalog.get',
  'portal.catalog.plans',
  'portal.catalog.apiCatalog',
  'portal.catalog.llmsTxt',
  'portal.catalog.markdown',
];

const ALL_PROCEDURES = Object.keys(
  (appRouter._def as unknown as { procedures: Record<string, unknown> }).procedures,
);
const PORTAL_PROCEDURES = ALL_PROCEDURES.filter((p) => p.startsWith('portal.'));
const PORTAL_ADMIN_PROCEDURES = ALL_PROCEDURES.filter((p) => p.startsWith('portalAdmin.'));
const SIGNED_IN_PROCEDURES = PORTAL_PROCEDURES.filter((p) => !PUBLIC.includes(p));

/** Calls `path` (e.g. `portal.keys.rotate`) on a caller. */
function call(caller: AppCaller, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const segment of path.split('.')) target = (target as Record<string, unknown>)[segment];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

let h: ApiHarness;
let fx: Fixtures;
let foreign: Foreign;

beforeAll(async () => {
  h = await createApiHarness();
  fx = fixtures(h.db);
  const service = await fx.service();
  const api = await fx.api(service.id);
  const listedPlan = await fx.plan();
  const otherListedPlan = await fx.plan();
  await h.db.planApi.createMany({
    data: [
      { planId: listedPlan.id, apiId: api.id },
      { planId: otherListedPlan.id, apiId: api.id },
    ],
  });
  const theirApp = await fx.consumer(h.users.otherDeveloper.id);
  const theirKey = await fx.key(theirApp.id);
  const theirSubscription = await fx.subscription(theirApp.id, listedPlan.id);
  const theirCredential = await h.db.consumerCredential.create({
    data: {
      id: newId('credential'),
      consumerId: theirApp.id,
      kind: 'basic',
      name: 'theirs',
      identifier: uniqueName('their-user'),
      secretHash:
        '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    },
  });
  const ownApp = await fx.consumer(h.users.developer.id);
  await fx.key(ownApp.id);
  await fx.subscription(ownApp.id, listedPlan.id);
  foreign = {
    appId: theirApp.id,
    keyId: theirKey.row.id,
    credentialId: theirCredential.id,
    subscriptionId: theirSubscription.id,
    listedPlanId: listedPlan.id,
    otherListedPlanId: otherListedPlan.id,
    ownAppId: ownApp.id,
  };
});
afterAll(async () => {
  await h?.drop();
});

describe('portal router: every procedure is classified', () => {
  it('each portal procedure is public, own-account, self-only or tried with foreign ids', () => {
    const classified = new Set([
      ...WITH_FOREIGN_IDS.map(([p]) => p),
      ...SELF_ONLY.map(([p]) => p),
      ...OWN_ACCOUNT,
      ...PUBLIC,
    ]);
    const unclassified = PORTAL_PROCEDURES.filter((p) => !classified.has(p));
    expect(unclassified, 'add the new procedure to a table in this test').toEqual([]);
    const stale = [...classified].filter((p) => !PORTAL_PROCEDURES.includes(p));
    expect(stale, 'these procedures no longer exist').toEqual([]);
    // Every procedure that takes an id of an app, key or subscription is tried with foreign ids.
    const takingIds = SIGNED_IN_PROCEDURES.filter(
      (p) =>
        !OWN_ACCOUNT.includes(p) &&
        !['portal.auth.me', 'portal.apps.list', 'portal.apps.page'].includes(p),
    );
    const tried = new Set(WITH_FOREIGN_IDS.map(([p]) => p));
    expect(takingIds.filter((p) => !tried.has(p))).toEqual([]);
  });
});

describe("portal router: another developer's ids are NOT_FOUND and change nothing", () => {
  it.each(WITH_FOREIGN_IDS.map(([path, input], i) => [`${path} #${i}`, path, input] as const))(
    '%s',
    async (_name, path, input) => {
      const args = input(foreign);
      const before = await databaseFingerprint(h.db);
      const error = await expectTrpcError(call(h.as('developer'), path, args), 'NOT_FOUND');
      expect(await databaseFingerprint(h.db)).toEqual(before);
      // The answer is the same as for an id that does not exist: nothing tells them apart.
      const unknownIds: Foreign = {
        ...foreign,
        appId: 'con_doesnotexist000000000000',
        keyId: 'key_doesnotexist000000000000',
        credentialId: 'cred_doesnotexist000000000000',
        subscriptionId: 'sub_doesnotexist000000000000',
      };
      const unknown = await expectTrpcError(
        call(h.as('developer'), path, input(unknownIds)),
        'NOT_FOUND',
      );
      expect(error.message.replace(/\b(con|key|sub|cred)_\w+/g, 'ID')).toBe(
        unknown.message.replace(/\b(con|key|sub|cred)_\w+/g, 'ID'),
      );
    },
  );
});

describe("portal router: lists and usage show only the caller's own things", () => {
  it.each(SELF_ONLY)('%s', async (path, input) => {
    const result = await call(h.as('developer'), path, input(foreign));
    const text = JSON.stringify(result);
    expect(text).not.toContain(foreign.appId);
    expect(text).not.toContain(foreign.keyId);
    expect(text).not.toContain(foreign.credentialId);
    expect(text).not.toContain(foreign.subscriptionId);
    expect(text).not.toContain(h.users.otherDeveloper.id);
  });
});

describe('portal router: sessions', () => {
  it.each(SIGNED_IN_PROCEDURES)('%s refuses anonymous callers and operators', async (path) => {
    const before = await databaseFingerprint(h.db);
    await expectTrpcError(call(h.as('anonymous'), path, {}), 'UNAUTHORIZED');
    const refused = await expectTrpcError(call(h.as('owner'), path, {}), 'FORBIDDEN');
    expect(refused.message).toContain('operators use the console');
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });

  it.each(PORTAL_ADMIN_PROCEDURES)('%s answers FORBIDDEN to a developer', async (path) => {
    const before = await databaseFingerprint(h.db);
    const error = await expectTrpcError(call(h.as('developer'), path, {}), 'FORBIDDEN');
    expect(error).toBeInstanceOf(TRPCError);
    expect(await databaseFingerprint(h.db)).toEqual(before);
  });
});
