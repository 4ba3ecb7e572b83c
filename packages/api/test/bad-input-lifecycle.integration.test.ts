import { describe, expect, it } from 'vitest';
import { MAX_OPENAPI_BYTES } from '../src/services/apis/openapi-routes';
import { refusedWithoutWrites } from './bad-input-harness';
import { apiHarnessForFile } from './file-harness';
import { uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

describe('OpenAPI import', () => {
  const petsJson = JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'Pet store', version: '1.0' },
    servers: [{ url: 'https://pets.example.com/pets-api' }],
    paths: {
      '/pets': { get: { operationId: 'listPets' }, post: { operationId: 'createPet' } },
      '/pets/{pet-id}': { get: { operationId: 'getPet' }, delete: {} },
    },
  });

  it('a JSON document creates an API with one route per path, parameters as :param', async () => {
    const service = await fx.service();
    const result = await h
      .as('editor')
      .apis.importOpenApi({ name: uniqueName('pets'), serviceId: service.id, document: petsJson });
    expect(result.created).toBe(true);
    expect(result.api.basePath).toBe('/pets-api');
    expect(
      result.api.routes.map((r) => ({ path: r.path, methods: r.methods, name: r.name })),
    ).toEqual([
      { path: '/pets', methods: ['GET', 'POST'], name: null },
      { path: '/pets/:pet_id', methods: ['GET', 'DELETE'], name: null },
    ]);
    const stored = await h.db.api.findUniqueOrThrow({ where: { id: result.api.id } });
    expect(stored.openApiDocument).toBe(petsJson);
  });

  it('a YAML document replaces the routes of an existing API', async () => {
    const api = await fx.api((await fx.service()).id);
    const yamlDoc = [
      'openapi: 3.1.0',
      'info: {title: Orders, version: "2"}',
      'paths:',
      '  /orders/{id}:',
      '    get:',
      '      operationId: getOrder',
      '',
    ].join('\n');
    const result = await h.as('editor').apis.importOpenApi({ apiId: api.id, document: yamlDoc });
    expect(result.created).toBe(false);
    expect(result.api.routes).toMatchObject([
      { path: '/orders/:id', methods: ['GET'], name: 'getOrder' },
    ]);
  });

  it('a document over 5 MB is PAYLOAD_TOO_LARGE and nothing is stored', async () => {
    const api = await fx.api((await fx.service()).id);
    const huge = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'x' },
      paths: {},
      padding: 'x'.repeat(MAX_OPENAPI_BYTES),
    });
    const error = await refusedWithoutWrites(
      h,
      () => h.as('editor').apis.importOpenApi({ apiId: api.id, document: huge }),
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.message).toContain('5 MB');
  });

  it('text that is neither JSON nor YAML, or not OpenAPI, is BAD_REQUEST', async () => {
    const api = await fx.api((await fx.service()).id);
    const broken = await refusedWithoutWrites(
      h,
      () => h.as('editor').apis.importOpenApi({ apiId: api.id, document: 'openapi: [unclosed' }),
      'BAD_REQUEST',
    );
    expect(broken.message).toMatch(/^document: not valid JSON or YAML/);
    const notOpenApi = await refusedWithoutWrites(
      h,
      () => h.as('editor').apis.importOpenApi({ apiId: api.id, document: '{"hello": "world"}' }),
      'BAD_REQUEST',
    );
    expect(notOpenApi.message).toMatch(/^document\.openapi: missing/);
  });
});

describe('plans', () => {
  it('deleting a plan with an active subscription is refused and the plan stays', async () => {
    const plan = await fx.plan();
    const consumer = await fx.consumer();
    await fx.subscription(consumer.id, plan.id, 'active');
    const error = await refusedWithoutWrites(
      h,
      () => h.as('editor').plans.delete({ id: plan.id }),
      'CONFLICT',
    );
    expect(error.message).toContain(plan.name);
    expect(error.message).toContain('1 active or pending subscription');
    expect(await h.db.plan.findUnique({ where: { id: plan.id } })).not.toBeNull();
  });

  it('a plan whose subscriptions all ended can be deleted', async () => {
    const plan = await fx.plan();
    await fx.subscription((await fx.consumer()).id, plan.id, 'cancelled');
    await h.as('editor').plans.delete({ id: plan.id });
    expect(await h.db.plan.findUnique({ where: { id: plan.id } })).toBeNull();
  });

  it('a failure after the first write of a mutation rolls the whole mutation back', async () => {
    // updatePlan writes the new name first and checks apiIds afterwards: the rename must not survive.
    const plan = await fx.plan();
    const error = await refusedWithoutWrites(
      h,
      () =>
        h
          .as('editor')
          .plans.update({ id: plan.id, name: uniqueName('renamed'), apiIds: ['api_missing'] }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('apiIds.0: no API with id api_missing');
    expect((await h.db.plan.findUniqueOrThrow({ where: { id: plan.id } })).name).toBe(plan.name);
  });
});

describe('subscriptions', () => {
  it('need approval when the plan says so; approval makes them active, once', async () => {
    const plan = await fx.plan({ approvalRequired: true });
    const consumer = await fx.consumer();
    const sub = await h
      .as('editor')
      .subscriptions.create({ consumerId: consumer.id, planId: plan.id });
    expect(sub.status).toBe('pending');
    expect((await h.as('editor').subscriptions.approve({ id: sub.id })).status).toBe('active');
    await refusedWithoutWrites(
      h,
      () => h.as('editor').subscriptions.approve({ id: sub.id }),
      'PRECONDITION_FAILED',
    );
    await refusedWithoutWrites(
      h,
      () => h.as('editor').subscriptions.create({ consumerId: consumer.id, planId: plan.id }),
      'CONFLICT',
    );
  });

  it('a cancelled subscription is reopened by subscribing again', async () => {
    const plan = await fx.plan();
    const consumer = await fx.consumer();
    const first = await h
      .as('editor')
      .subscriptions.create({ consumerId: consumer.id, planId: plan.id });
    await h.as('editor').subscriptions.cancel({ id: first.id });
    const again = await h
      .as('editor')
      .subscriptions.create({ consumerId: consumer.id, planId: plan.id });
    expect(again).toMatchObject({ id: first.id, status: 'active' });
  });
});

describe('members', () => {
  it('an admin cannot invite an owner, and the last owner cannot be demoted', async () => {
    await refusedWithoutWrites(
      h,
      () => h.as('admin').users.invite({ email: `${uniqueName('o')}@example.test`, role: 'owner' }),
      'FORBIDDEN',
    );
    const error = await refusedWithoutWrites(
      h,
      () => h.as('owner').users.updateRole({ id: h.users.owner.id, role: 'admin' }),
      'PRECONDITION_FAILED',
    );
    expect(error.message).toContain('last owner');
  });

  it('inviting an existing email is CONFLICT naming email', async () => {
    const error = await refusedWithoutWrites(
      h,
      () => h.as('admin').users.invite({ email: h.users.viewer.email, role: 'viewer' }),
      'CONFLICT',
    );
    expect(error.message).toMatch(/^email: /);
  });
});
