import { describe, expect, it } from 'vitest';
import { dataOf, mutate } from './http-client';
import { createApp } from './portal-accounts';
import { useSeededCatalogue } from './use-portal-harness';

const portal = useSeededCatalogue();
const { asOwner } = portal;

describe('bad input: a clear error and nothing written', () => {
  async function counts() {
    const db = portal.h.database.db;
    return {
      consumers: await db.consumer.count(),
      subscriptions: await db.subscription.count(),
      keys: await db.apiKey.count(),
      changes: await db.credentialChange.count(),
      audit: await db.auditLog.count(),
    };
  }

  it('a duplicate app name', async () => {
    const dev = await portal.h.verifiedDeveloper('dup');
    const name = `dup-${Date.now()}`;
    await mutate(portal.h.base, 'portal.apps.create', { name }, { cookie: dev.cookie });
    const before = await counts();
    const reply = await mutate(
      portal.h.base,
      'portal.apps.create',
      { name },
      { cookie: dev.cookie },
    );
    expect(reply.status).toBe(409);
    expect(reply.body.error?.message).toBe(
      `name: the name ${name} is taken; choose another name for the app`,
    );
    expect(await counts()).toEqual(before);
  });

  it('subscribing to an unlisted plan', async () => {
    const dev = await portal.h.verifiedDeveloper('unlisted');
    const app = await createApp(portal.h, dev, `unlisted-${Date.now()}`);
    const before = await counts();
    const reply = await mutate(
      portal.h.base,
      'portal.subscriptions.subscribe',
      { appId: app.id, planId: portal.ids.internal },
      { cookie: dev.cookie },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error?.message).toBe(
      `planId: no listed plan with id ${portal.ids.internal}; choose one of the plans the portal lists`,
    );
    expect(await counts()).toEqual(before);
  });

  it('a key on a suspended app', async () => {
    const dev = await portal.h.verifiedDeveloper('susp');
    const app = dataOf<{ id: string; name: string }>(
      await mutate(
        portal.h.base,
        'portal.apps.create',
        { name: `susp-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    await asOwner('consumers.suspend', { id: app.id });
    const before = await counts();
    const reply = await mutate(
      portal.h.base,
      'portal.keys.create',
      { appId: app.id },
      {
        cookie: dev.cookie,
      },
    );
    expect(reply.status).toBe(412);
    expect(reply.body.error?.message).toContain(`appId: app ${app.name} is suspended`);
    expect(await counts()).toEqual(before);
  });

  it('a malformed request names the field', async () => {
    const dev = await portal.h.verifiedDeveloper('malformed');
    const before = await counts();
    const reply = await mutate(
      portal.h.base,
      'portal.apps.create',
      { name: 'has spaces' },
      {
        cookie: dev.cookie,
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error?.message).toContain('name:');
    expect(await counts()).toEqual(before);
  });
});
