import { newId } from '@portico/id';
import { describe, expect, it } from 'vitest';
import { apiHarnessForFile } from './file-harness';
import { expectTrpcError, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

/** One consumer named `name`, owned by `ownerId` (null: operator-managed). */
function consumerNamed(name: string, ownerId: string | null) {
  return h.db.consumer.create({
    data: { id: newId('consumer'), name, ownerId, status: 'active' },
  });
}

/** `count` consumers whose names share a fresh prefix (so a search finds only them), in name order. */
async function namedConsumers(count: number, ownerId: string | null = null) {
  const prefix = uniqueName('paged');
  const rows = [];
  for (let i = 0; i < count; i += 1) rows.push(await consumerNamed(`${prefix}-${i}`, ownerId));
  return { prefix, names: rows.map((r) => r.name), ids: rows.map((r) => r.id) };
}

describe('paged lists', () => {
  it('walks a list page by page with the cursor, in order, and the last page has no cursor', async () => {
    const { prefix, names } = await namedConsumers(5);
    const caller = h.as('viewer');
    const first = await caller.consumers.page({ limit: 2, search: prefix });
    expect(first.items.map((c) => c.name)).toEqual(names.slice(0, 2));
    expect(first.total).toBe(5);
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await caller.consumers.page({
      limit: 2,
      search: prefix,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items.map((c) => c.name)).toEqual(names.slice(2, 4));
    expect(second.total).toBe(5);

    const last = await caller.consumers.page({
      limit: 2,
      search: prefix,
      cursor: second.nextCursor ?? undefined,
    });
    expect(last.items.map((c) => c.name)).toEqual(names.slice(4));
    expect(last.nextCursor).toBeNull();
  });

  it('a page exactly as long as what is left is the last one', async () => {
    const { prefix } = await namedConsumers(2);
    const page = await h.as('viewer').consumers.page({ limit: 2, search: prefix });
    expect([page.items.length, page.total, page.nextCursor]).toEqual([2, 2, null]);
  });

  it('filters in the database: the search and the status narrow the rows and the total', async () => {
    const { prefix, ids } = await namedConsumers(3);
    await h.db.consumer.update({ where: { id: ids[1] ?? '' }, data: { status: 'suspended' } });
    const suspended = await h.as('viewer').consumers.page({ search: prefix, status: 'suspended' });
    expect(suspended.items.map((c) => c.id)).toEqual([ids[1]]);
    expect(suspended.total).toBe(1);
    const none = await h.as('viewer').consumers.page({ search: `${prefix}-nothing` });
    expect([none.items, none.total, none.nextCursor]).toEqual([[], 0, null]);
  });

  it('keeps a developer to their own rows, in the page and in the total', async () => {
    const own = await namedConsumers(2, h.users.developer.id);
    await consumerNamed(`${own.prefix}-other`, h.users.otherDeveloper.id);
    const page = await h.as('developer').consumers.page({ search: own.prefix });
    expect(page.items.map((c) => c.name)).toEqual(own.names);
    expect(page.total).toBe(2);
  });

  it('pages keys newest first, one consumer at a time', async () => {
    const consumer = await fx.consumer();
    const keys = [await fx.key(consumer.id), await fx.key(consumer.id), await fx.key(consumer.id)];
    await fx.key((await fx.consumer()).id);
    const caller = h.as('viewer');
    const first = await caller.keys.page({ limit: 2, consumerId: consumer.id });
    // Newest first: by creation time, then by id (time-sortable) for keys made in the same ms.
    const newestFirst = keys
      .map((k) => k.row)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((k) => k.id);
    expect(first.items.map((k) => k.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.total).toBe(3);
    const next = await caller.keys.page({
      limit: 2,
      consumerId: consumer.id,
      cursor: first.nextCursor ?? undefined,
    });
    expect(next.items.map((k) => k.id)).toEqual(newestFirst.slice(2));
    expect(next.nextCursor).toBeNull();
  });

  it('pages subscriptions by status and by the consumer or plan name searched', async () => {
    const consumer = await fx.consumer();
    const [gold, silver] = [await fx.plan(), await fx.plan()];
    const active = await fx.subscription(consumer.id, gold.id, 'active');
    await fx.subscription(consumer.id, silver.id, 'pending');
    const page = await h
      .as('viewer')
      .subscriptions.page({ search: consumer.name, status: 'active' });
    expect(page.items.map((s) => s.id)).toEqual([active.id]);
    const byPlan = await h.as('viewer').subscriptions.page({ search: silver.name });
    expect(byPlan.items.map((s) => s.planId)).toEqual([silver.id]);
  });

  it('searches APIs by base path, plans, services and registries by name', async () => {
    const service = await fx.service();
    const api = await fx.api(service.id);
    const plan = await fx.plan();
    const registry = await fx.registry();
    const caller = h.as('viewer');
    expect((await caller.apis.page({ search: api.basePath })).items.map((a) => a.id)).toEqual([
      api.id,
    ]);
    expect((await caller.plans.page({ search: plan.name })).items.map((p) => p.id)).toEqual([
      plan.id,
    ]);
    expect((await caller.services.page({ search: service.name })).items.map((s) => s.id)).toEqual([
      service.id,
    ]);
    expect(
      (await caller.registries.page({ search: registry.name })).items.map((r) => r.id),
    ).toEqual([registry.id]);
  });

  it.each([
    [0, 'limit: must be at least 1'],
    [101, 'limit: must be at most 100 rows a page'],
  ])('refuses a page size of %i with a message naming the bound', async (limit, message) => {
    const error = await expectTrpcError(h.as('viewer').apis.page({ limit }), 'BAD_REQUEST');
    expect(error.message).toBe(message);
  });

  it('refuses a cursor no page returned', async () => {
    const error = await expectTrpcError(
      h.as('viewer').services.page({ cursor: 'not a cursor!' }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('cursor: must be a nextCursor a page returned');
  });

  it("pages a developer's own apps and keys in the portal, and nobody else's", async () => {
    const own = await namedConsumers(3, h.users.developer.id);
    await consumerNamed(`${own.prefix}-theirs`, h.users.otherDeveloper.id);
    const developer = h.as('developer');
    const first = await developer.portal.apps.page({ limit: 2, search: own.prefix });
    expect(first.items.map((a) => a.name)).toEqual(own.names.slice(0, 2));
    expect(first.total).toBe(3);
    const rest = await developer.portal.apps.page({
      limit: 2,
      search: own.prefix,
      cursor: first.nextCursor ?? undefined,
    });
    expect([rest.items.map((a) => a.name), rest.nextCursor]).toEqual([own.names.slice(2), null]);

    const appId = own.ids[0] ?? '';
    const key = await fx.key(appId);
    const keys = await developer.portal.keys.page({ appId });
    expect([keys.items.map((k) => k.id), keys.total]).toEqual([[key.row.id], 1]);
    const theirs = (await fx.consumer(h.users.otherDeveloper.id)).id;
    await expectTrpcError(developer.portal.keys.page({ appId: theirs }), 'NOT_FOUND');
  });

  it('pages developer accounts for operators, by status and name or email', async () => {
    const prefix = uniqueName('dev');
    const developer = async (n: number, status: 'active' | 'suspended') =>
      h.db.user.create({
        data: {
          id: newId('user'),
          email: `${prefix}-${n}@example.test`,
          name: `${prefix} ${n}`,
          passwordHash: 'not-used-in-these-tests',
          kind: 'developer',
          status,
        },
      });
    const active = await developer(1, 'active');
    await developer(2, 'suspended');
    const page = await h
      .as('viewer')
      .portalAdmin.developers.page({ search: prefix, status: 'active' });
    expect(page.items.map((d) => d.id)).toEqual([active.id]);
    expect(page.total).toBe(1);
    const both = await h.as('viewer').portalAdmin.developers.page({ search: prefix, limit: 1 });
    expect([both.items.length, both.total, both.nextCursor]).toEqual([1, 2, expect.any(String)]);
  });
});
