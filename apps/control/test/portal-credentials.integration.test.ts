import { describe, expect, it } from 'vitest';
import { CredentialStreamReader } from './credential-stream';
import { query } from './http-client';
import { createApp } from './portal-accounts';
import { type SessionCall, sessionCalls } from './portal-catalogue-fixture';
import { useSeededCatalogue } from './use-portal-harness';

const portal = useSeededCatalogue();
const { asOwner } = portal;

/** Portal calls as `dev`, signed in with their session cookie. */
function developerCalls(dev: { cookie: string }): SessionCall {
  return sessionCalls(() => ({ base: portal.h.base, cookie: dev.cookie }));
}

describe('apps, subscriptions and keys through the credential stream', () => {
  it('a subscription to a plan needing approval is pending until an operator approves it', async () => {
    const dev = await portal.h.verifiedDeveloper('approve');
    const asDev = developerCalls(dev);
    const app = await createApp(portal.h, dev, `approve-${Date.now()}`);
    const stream = new CredentialStreamReader(portal.h.base, portal.h.dpToken, `gw-${app.id}`);
    await stream.poll(0);
    const sub = await asDev<{ id: string; status: string }>('portal.subscriptions.subscribe', {
      appId: app.id,
      planId: portal.ids.gold,
    });
    expect(sub.status).toBe('pending');
    await stream.poll(0);
    expect(stream.subscribed(app.id, portal.ids.gold)).toBe(false);

    const pending = await asOwner<{ id: string; consumerId: string }[]>(
      'subscriptions.list',
      { status: 'pending' },
      'query',
    );
    expect(pending.map((s) => s.id)).toContain(sub.id);
    const approvals = await asOwner<{
      subscriptions: {
        id: string;
        app: { id: string };
        plan: { name: string };
        owner: { email: string };
      }[];
    }>('portalAdmin.approvals.list', undefined, 'query');
    expect(approvals.subscriptions.find((s) => s.id === sub.id)).toMatchObject({
      app: { id: app.id },
      plan: { name: 'gold' },
      owner: { email: dev.email },
    });
    const developer = await asOwner<{
      email: string;
      apps: { id: string; subscriptions: { status: string }[] }[];
    }>('portalAdmin.developers.get', { id: dev.userId }, 'query');
    expect(developer).toMatchObject({
      email: dev.email,
      apps: [{ id: app.id, subscriptions: [{ status: 'pending' }] }],
    });
    await asOwner('subscriptions.approve', { id: sub.id });
    await stream.poll(1);
    expect(stream.subscribed(app.id, portal.ids.gold)).toBe(true);
    const mine = await asDev<{ id: string; status: string }[]>(
      'portal.subscriptions.list',
      { appId: app.id },
      'query',
    );
    expect(mine).toMatchObject([{ id: sub.id, status: 'active' }]);
  });

  it('changing plan keeps the key; a plan needing approval leaves the current one active meanwhile', async () => {
    const dev = await portal.h.verifiedDeveloper('change');
    const asDev = developerCalls(dev);
    const app = await createApp(portal.h, dev, `change-${Date.now()}`);
    const key = await asDev<{ key: { id: string } }>('portal.keys.create', { appId: app.id });
    const free = await asDev<{ id: string }>('portal.subscriptions.subscribe', {
      appId: app.id,
      planId: portal.ids.free,
    });
    const change = await asDev<{
      previous: { status: string };
      next: { status: string; planId: string };
    }>('portal.subscriptions.changePlan', { subscriptionId: free.id, planId: portal.ids.gold });
    expect(change.previous.status).toBe('active');
    expect(change.next).toMatchObject({ status: 'pending', planId: portal.ids.gold });
    const keys = await asDev<{ id: string }[]>('portal.keys.list', { appId: app.id }, 'query');
    expect(keys.map((k) => k.id)).toEqual([key.key.id]);
  });

  it('rotation: both keys work during the grace period, the old one is refused after it', async () => {
    const dev = await portal.h.verifiedDeveloper('rotate');
    const asDev = developerCalls(dev);
    const app = await createApp(portal.h, dev, `rotate-${Date.now()}`);
    const stream = new CredentialStreamReader(portal.h.base, portal.h.dpToken, `gw-${app.id}`);
    const created = await asDev<{ key: { id: string; start: string }; clear: string }>(
      'portal.keys.create',
      { appId: app.id, name: 'ci' },
    );
    expect(created.clear.startsWith(created.key.start)).toBe(true);
    // The clear key is stored nowhere: not in the key row, not in the audit log.
    const row = await portal.h.database.db.apiKey.findUniqueOrThrow({
      where: { id: created.key.id },
    });
    expect(JSON.stringify(row)).not.toContain(created.clear);
    const audit = await portal.h.database.db.auditLog.findMany({
      where: { targetId: created.key.id },
    });
    expect(JSON.stringify(audit)).not.toContain(created.clear);
    await stream.poll(0);
    expect(stream.accepts(created.clear, new Date())).toBe(true);

    const rotated = await asDev<{
      key: { id: string; rotatedFrom: string };
      clear: string;
      previous: { expiresAt: string };
    }>('portal.keys.rotate', { id: created.key.id, gracePeriodSeconds: 600 });
    expect(rotated.key.rotatedFrom).toBe(created.key.id);
    await stream.poll(1);
    const now = new Date();
    expect(stream.accepts(created.clear, now)).toBe(true);
    expect(stream.accepts(rotated.clear, now)).toBe(true);
    const graceEnd = new Date(rotated.previous.expiresAt);
    expect(graceEnd.getTime() - now.getTime()).toBeGreaterThan(590_000);
    expect(stream.accepts(created.clear, new Date(graceEnd.getTime() + 1))).toBe(false);
    expect(stream.accepts(rotated.clear, new Date(graceEnd.getTime() + 1))).toBe(true);

    // The worker stamps last use from analytics; the developer sees the old key still in use.
    const usedAt = new Date(Date.now() - 120_000);
    await portal.h.database.db.apiKey.update({
      where: { id: created.key.id },
      data: { lastUsedAt: usedAt },
    });
    const keys = await asDev<
      { id: string; status: string; lastUsedAt: string | null; expiresAt: string | null }[]
    >('portal.keys.list', { appId: app.id }, 'query');
    expect(keys.find((k) => k.id === created.key.id)).toMatchObject({
      status: 'active',
      lastUsedAt: usedAt.toISOString(),
      expiresAt: graceEnd.toISOString(),
    });

    // Revoking the new key takes it away at once.
    await asDev('portal.keys.revoke', { id: rotated.key.id });
    await stream.poll(1);
    expect(stream.accepts(rotated.clear, new Date())).toBe(false);
  });

  it('suspending a developer suspends their apps on the gateways within a second, and reactivating restores them', async () => {
    const dev = await portal.h.verifiedDeveloper('suspend');
    const asDev = developerCalls(dev);
    const app = await createApp(portal.h, dev, `suspend-${Date.now()}`);
    const key = await asDev<{ clear: string }>('portal.keys.create', { appId: app.id });
    const stream = new CredentialStreamReader(portal.h.base, portal.h.dpToken, `gw-${app.id}`);
    await stream.poll(0);
    expect(stream.accepts(key.clear, new Date())).toBe(true);
    // A gateway is waiting on its long-poll when the operator suspends.
    const waiting = stream.poll(10);
    const suspendedAt = performance.now();
    const suspended = await asOwner<{ status: string; suspendedApps: string[] }>(
      'portalAdmin.developers.suspend',
      { id: dev.userId },
    );
    expect(suspended).toMatchObject({ status: 'suspended', suspendedApps: [app.id] });
    const answeredAt = await waiting;
    expect(answeredAt - suspendedAt).toBeLessThan(1_000);
    expect(stream.consumerStatus(app.id)).toBe('suspended');
    expect(stream.accepts(key.clear, new Date())).toBe(false);
    // The developer is signed out and cannot sign in.
    expect(
      (await query(portal.h.base, 'portal.auth.me', undefined, { cookie: dev.cookie })).status,
    ).toBe(401);

    await asOwner('portalAdmin.developers.reactivate', { id: dev.userId });
    await stream.poll(1);
    expect(stream.accepts(key.clear, new Date())).toBe(true);
  });

  it('reactivation restores only the apps the suspension took; one an operator suspended stays suspended', async () => {
    const dev = await portal.h.verifiedDeveloper('partial');
    const create = async (name: string) => await createApp(portal.h, dev, `${name}-${Date.now()}`);
    const kept = await create('kept');
    const held = await create('held');
    await asOwner('consumers.suspend', { id: held.id });
    const suspended = await asOwner<{ suspendedApps: string[] }>('portalAdmin.developers.suspend', {
      id: dev.userId,
    });
    expect(suspended.suspendedApps).toEqual([kept.id]);
    const reactivated = await asOwner<{ status: string; reactivatedApps: string[] }>(
      'portalAdmin.developers.reactivate',
      { id: dev.userId },
    );
    expect(reactivated).toMatchObject({ status: 'active', reactivatedApps: [kept.id] });
    const apps = await portal.h.database.db.consumer.findMany({
      where: { ownerId: dev.userId },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(apps.map((a) => [a.id, a.status]))).toEqual({
      [kept.id]: 'active',
      [held.id]: 'suspended',
    });
  });
});
