import { ZApiPolicies } from '@portico/config';
import { newId } from '@portico/id';
import { waitFor } from '@portico/testkit';
import { describe, expect, it } from 'vitest';
import { createApi } from '../src/services/apis/apis';
import { baseDocument, countRows } from './config-harness';
import { apiHarnessForFile } from './file-harness';
import { trpcErrorOf } from './harness';

/**
 * The declarative apply writes through the service functions the console's procedures use, so
 * a rule or a side effect of one holds for the other: these tests put the two paths side by side.
 */
const { h } = await apiHarnessForFile();

/** The credential log entries appended after `seq`, as gateways read them. */
async function loggedSince(seq: bigint | number) {
  const rows = await h.db.credentialChange.findMany({
    where: { seq: { gt: seq } },
    orderBy: { seq: 'asc' },
  });
  return rows.map((row) => ({ type: row.type, entityId: row.entityId, payload: row.payload }));
}

/** The credential log entries gateways read for these changes. */
const entry = {
  consumerUpsert: (consumer: { id: string; name: string; status: string }) => ({
    type: 'consumer.upsert',
    entityId: consumer.id,
    payload: { type: 'consumer.upsert', consumer },
  }),
  subscriptionUpsert: (subscription: { id: string; consumerId: string; planId: string }) => ({
    type: 'subscription.upsert',
    entityId: subscription.id,
    payload: { type: 'subscription.upsert', subscription },
  }),
  subscriptionDelete: (id: string) => ({
    type: 'subscription.delete',
    entityId: id,
    payload: { type: 'subscription.delete', id },
  }),
};

async function lastSeq() {
  const last = await h.db.credentialChange.findFirst({ orderBy: { seq: 'desc' } });
  return last?.seq ?? 0;
}

describe('declarative apply and the procedures share one write path', () => {
  it('logs a subscription the file adds or drops exactly as the subscription procedures do', async () => {
    const start = await lastSeq();
    await h.as('editor').config.applyDocument({ document: baseDocument() });
    const free = await h.db.plan.findUniqueOrThrow({ where: { name: 'free' } });
    const acme = await h.db.consumer.findUniqueOrThrow({ where: { name: 'acme' } });
    const fromFile = await h.db.subscription.findFirstOrThrow({ where: { consumerId: acme.id } });
    expect(await loggedSince(start)).toEqual([
      entry.consumerUpsert({ id: acme.id, name: 'acme', status: 'active' }),
      entry.subscriptionUpsert({ id: fromFile.id, consumerId: acme.id, planId: free.id }),
    ]);

    const globex = await h.as('editor').consumers.create({ name: 'globex' });
    const afterCreate = await lastSeq();
    const fromProcedure = await h
      .as('editor')
      .subscriptions.create({ consumerId: globex.id, planId: free.id });
    expect(await loggedSince(afterCreate)).toEqual([
      entry.subscriptionUpsert({ id: fromProcedure.id, consumerId: globex.id, planId: free.id }),
    ]);

    // Dropping the plan from acme's list cancels its subscription as the cancel procedure does.
    const doc = baseDocument();
    doc.consumers = [
      { name: 'acme', plans: [] },
      { name: 'globex', plans: ['free'] },
    ];
    const beforeDrop = await lastSeq();
    const dropped = await h.as('editor').config.applyDocument({ document: doc });
    expect(dropped.changes).toEqual([{ kind: 'consumer', name: 'acme', action: 'update' }]);
    const beforeCancel = await lastSeq();
    await h.as('editor').subscriptions.cancel({ id: fromProcedure.id });
    const byFile = await loggedSince(beforeDrop);
    const byProcedure = await loggedSince(beforeCancel);
    expect(byFile.slice(0, byFile.length - byProcedure.length)).toEqual([
      entry.subscriptionDelete(fromFile.id),
    ]);
    expect(byProcedure).toEqual([entry.subscriptionDelete(fromProcedure.id)]);
    const decided = await h.db.subscription.findUniqueOrThrow({ where: { id: fromFile.id } });
    expect(decided).toMatchObject({ status: 'cancelled', decidedBy: h.users.editor.id });
  });

  it('refuses to delete a plan a pending subscription request waits on, as deleting it in the console does, and writes nothing', async () => {
    await h.as('editor').config.applyDocument({ document: baseDocument() });
    const pro = await h.db.plan.findUniqueOrThrow({ where: { name: 'pro' } });
    const app = await h.db.consumer.create({
      data: { id: newId('consumer'), name: 'waiting-app', ownerId: h.users.developer.id },
    });
    const request = await h.db.subscription.create({
      data: { id: newId('subscription'), consumerId: app.id, planId: pro.id, status: 'pending' },
    });
    const before = await countRows(h.db);
    const doc = baseDocument();
    doc.plans = doc.plans.filter((p) => p.name !== 'pro');
    const error = await trpcErrorOf(h.as('editor').config.applyDocument({ document: doc }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe(
      'plans: plan pro has 1 pending subscription(s); cancel them or keep the plan in the file',
    );
    expect(await countRows(h.db)).toEqual(before);
    expect(await h.db.subscription.findUnique({ where: { id: request.id } })).toMatchObject({
      status: 'pending',
    });
    const procedure = await trpcErrorOf(h.as('editor').plans.delete({ id: pro.id }));
    expect(procedure.code).toBe('CONFLICT');
    expect(procedure.message).toContain('plan pro has 1 active or pending subscription(s)');
    await h.db.subscription.delete({ where: { id: request.id } });
    await h.db.consumer.delete({ where: { id: app.id } });
  });

  it('logs the keys and subscriptions of a consumer the file drops, as deleting it in the console does', async () => {
    const doc = baseDocument();
    doc.consumers = [
      { name: 'acme', plans: ['free'] },
      { name: 'initech', plans: ['free'] },
      { name: 'hooli', plans: ['free'] },
    ];
    await h.as('editor').config.applyDocument({ document: doc });
    const [initech, hooli] = await Promise.all(
      ['initech', 'hooli'].map((name) => h.db.consumer.findUniqueOrThrow({ where: { name } })),
    );
    if (!initech || !hooli) throw new Error('the consumers were not created');
    const initechKey = await h.as('editor').keys.create({ consumerId: initech.id });
    const hooliKey = await h.as('editor').keys.create({ consumerId: hooli.id });
    const shapeOf = (entries: Awaited<ReturnType<typeof loggedSince>>, ids: string[]) =>
      entries.map((entry) => ({ type: entry.type, ours: ids.includes(entry.entityId) }));

    const beforeFile = await lastSeq();
    doc.consumers = doc.consumers.filter((c) => c.name !== 'initech');
    const applied = await h.as('editor').config.applyDocument({ document: doc });
    expect(applied.changes).toEqual([{ kind: 'consumer', name: 'initech', action: 'delete' }]);
    const byFile = await loggedSince(beforeFile);

    const beforeProcedure = await lastSeq();
    await h.as('editor').consumers.delete({ id: hooli.id });
    const byProcedure = await loggedSince(beforeProcedure);

    const initechSub = byFile.find((e) => e.type === 'subscription.delete')?.entityId ?? '';
    const hooliSub = byProcedure.find((e) => e.type === 'subscription.delete')?.entityId ?? '';
    expect(shapeOf(byFile, [initech.id, initechKey.key.id, initechSub])).toEqual([
      { type: 'key.delete', ours: true },
      { type: 'subscription.delete', ours: true },
      { type: 'consumer.delete', ours: true },
    ]);
    expect(shapeOf(byProcedure, [hooli.id, hooliKey.key.id, hooliSub])).toEqual(
      shapeOf(byFile, [initech.id, initechKey.key.id, initechSub]),
    );
  });

  it('logs a consumer created suspended once, in its final state', async () => {
    const doc = baseDocument();
    doc.consumers = [
      { name: 'acme', plans: ['free'] },
      { name: 'paused', status: 'suspended', plans: [] } as (typeof doc.consumers)[number],
    ];
    const start = await lastSeq();
    await h.as('editor').config.applyDocument({ document: doc });
    const paused = await h.db.consumer.findUniqueOrThrow({ where: { name: 'paused' } });
    expect(paused.status).toBe('suspended');
    expect(await loggedSince(start)).toEqual([
      entry.consumerUpsert({ id: paused.id, name: 'paused', status: 'suspended' }),
    ]);
  });

  it('subscribes a listed consumer to a plan that needs approval at once, approved by whoever applied', async () => {
    const doc = baseDocument();
    doc.plans.push({ name: 'gold', apis: ['orders-api'], approval: true } as never);
    doc.consumers = [{ name: 'acme', plans: ['free', 'gold'] }];
    const start = await lastSeq();
    const applied = await h.as('editor').config.applyDocument({ document: doc });
    expect(applied.changes).toEqual(
      expect.arrayContaining([
        { kind: 'plan', name: 'gold', action: 'create' },
        { kind: 'consumer', name: 'acme', action: 'update' },
      ]),
    );
    const gold = await h.db.subscription.findFirstOrThrow({
      where: { consumer: { name: 'acme' }, plan: { name: 'gold' } },
    });
    expect(gold).toMatchObject({ status: 'active', decidedBy: h.users.editor.id });
    // Held for approval and approved in one apply: gateways hear of it once, as active.
    const logged = (await loggedSince(start)).filter((e) => e.entityId === gold.id);
    expect(logged.map((e) => e.type)).toEqual(['subscription.upsert']);
  });

  it('lets two APIs exchange base paths in one apply, checking the routing of the result', async () => {
    const doc = baseDocument();
    doc.apis = [
      { ...doc.apis[0], basePath: '/left', hosts: [] },
      { ...doc.apis[1], basePath: '/right', hosts: [] },
    ] as typeof doc.apis;
    await h.as('editor').config.applyDocument({ document: doc });
    const swapped = baseDocument();
    swapped.apis = [
      { ...doc.apis[0], basePath: '/right' },
      { ...doc.apis[1], basePath: '/left' },
    ] as typeof doc.apis;
    const applied = await h.as('editor').config.applyDocument({ document: swapped });
    expect(applied.changes).toEqual([
      { kind: 'api', name: 'orders-api', action: 'update' },
      { kind: 'api', name: 'billing-api', action: 'update' },
    ]);
    const apis = await h.db.api.findMany({ orderBy: { name: 'asc' } });
    expect(apis.map((a) => [a.name, a.basePath])).toEqual([
      ['billing-api', '/left'],
      ['orders-api', '/right'],
    ]);
  });

  it('waits for an API the console is saving and refuses the collision it commits, writing nothing', async () => {
    await h.as('editor').config.applyDocument({ document: baseDocument() });
    const orders = await h.db.service.findUniqueOrThrow({ where: { name: 'orders' } });
    const before = await countRows(h.db);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let saved = () => {};
    const written = new Promise<void>((resolve) => {
      saved = resolve;
    });
    // A console save in flight: its API is written and its transaction still open.
    const consoleSave = h.db.$transaction(
      async (tx) => {
        await createApi(
          tx,
          {
            name: 'racer',
            basePath: '/race',
            hosts: [],
            version: 'v1',
            stripBasePath: true,
            visibility: 'public',
            serviceId: orders.id,
            auth: { type: 'key' },
            policies: ZApiPolicies.parse({}),
            routes: [],
          },
          new Date(),
        );
        saved();
        await released;
      },
      { timeout: 30_000 },
    );
    await written;
    const base = baseDocument();
    const withRacer = {
      ...base,
      apis: [...base.apis, { name: 'race-api', basePath: '/race', service: 'orders' }],
    };
    const applying = trpcErrorOf(h.as('editor').config.applyDocument({ document: withRacer }));
    await waitFor(
      'the apply to wait for the API routing lock',
      async () => {
        const [row] = await h.db.$queryRaw<{ waiting: bigint }[]>`
        SELECT count(*) AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
        return (row?.waiting ?? 0n) > 0n;
      },
      10_000,
    );
    release();
    await consoleSave;
    const error = await applying;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('APIs race-api and racer both claim base path /race');
    expect(await h.db.api.findUnique({ where: { name: 'race-api' } })).toBeNull();
    await h.db.api.delete({ where: { name: 'racer' } });
    expect(await countRows(h.db)).toEqual(before);
  });
});
