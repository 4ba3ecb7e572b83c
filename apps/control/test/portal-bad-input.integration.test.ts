import { describe, expect, it } from 'vitest';
import { dataOf, mutate } from './http-client';
import { type Ids, ownerCalls, seedCatalogue } from './portal-catalogue-fixture';
import type { PortalHarness } from './portal-harness';
import { usePortalHarness } from './use-portal-harness';

let h: PortalHarness;
let ids: Ids;
const asOwner = ownerCalls(() => h);

usePortalHarness(async (started) => {
  h = started;
  ids = await seedCatalogue(asOwner);
});

describe('bad input: a clear error and nothing written', () => {
  async function counts() {
    const db = h.database.db;
    return {
      consumers: await db.consumer.count(),
      subscriptions: await db.subscription.count(),
      keys: await db.apiKey.count(),
      changes: await db.credentialChange.count(),
      audit: await db.auditLog.count(),
    };
  }

  it('a duplicate app name', async () => {
    const dev = await h.verifiedDeveloper('dup');
    const name = `dup-${Date.now()}`;
    await mutate(h.base, 'portal.apps.create', { name }, { cookie: dev.cookie });
    const before = await counts();
    const reply = await mutate(h.base, 'portal.apps.create', { name }, { cookie: dev.cookie });
    expect(reply.status).toBe(409);
    expect(reply.body.error?.message).toBe(
      `name: the name ${name} is taken; choose another name for the app`,
    );
    expect(await counts()).toEqual(before);
  });

  it('subscribing to an unlisted plan', async () => {
    const dev = await h.verifiedDeveloper('unlisted');
    const app = dataOf<{ id: string }>(
      await mutate(
        h.base,
        'portal.apps.create',
        { name: `unlisted-${Date.now()}` },
        {
          cookie: dev.cookie,
        },
      ),
    );
    const before = await counts();
    const reply = await mutate(
      h.base,
      'portal.subscriptions.subscribe',
      { appId: app.id, planId: ids.internal },
      { cookie: dev.cookie },
    );
    expect(reply.status).toBe(404);
    expect(reply.body.error?.message).toBe(
      `planId: no listed plan with id ${ids.internal}; choose one of the plans the portal lists`,
    );
    expect(await counts()).toEqual(before);
  });

  it('a key on a suspended app', async () => {
    const dev = await h.verifiedDeveloper('susp');
    const app = dataOf<{ id: string; name: string }>(
      await mutate(
        h.base,
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
      h.base,
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
    const dev = await h.verifiedDeveloper('malformed');
    const before = await counts();
    const reply = await mutate(
      h.base,
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
