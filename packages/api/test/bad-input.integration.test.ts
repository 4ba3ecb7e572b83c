import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapKnownError } from '../src/errors/map-known-error';
import { MAX_OPENAPI_BYTES } from '../src/services/apis/openapi-routes';
import { type Fixtures, fixtures } from './fixtures';
import {
  type ApiHarness,
  type AppCaller,
  createApiHarness,
  databaseFingerprint,
  expectTrpcError,
  uniqueName,
} from './harness';

let h: ApiHarness;
let fx: Fixtures;

beforeAll(async () => {
  h = await createApiHarness();
  fx = fixtures(h.db);
});
afterAll(async () => {
  await h?.drop();
});

/** Runs a call that must fail with `code`, and proves the database is exactly as before. */
async function refusedWithoutWrites(
  call: () => Promise<unknown>,
  code: TRPCError['code'],
): Promise<TRPCError> {
  const before = await databaseFingerprint(h.db);
  const error = await expectTrpcError(call(), code);
  expect(await databaseFingerprint(h.db)).toEqual(before);
  return error;
}

describe('duplicate names', () => {
  it('are refused with CONFLICT naming the name field, for every named entity', async () => {
    const editor = h.as('editor');
    const registry = await fx.registry();
    const service = await fx.service();
    const api = await fx.api(service.id);
    const plan = await fx.plan();
    const consumer = await fx.consumer();
    const attempts: [string, () => Promise<unknown>][] = [
      ['registry', () => editor.registries.create({ name: registry.name, type: 'consul' })],
      [
        'service',
        () =>
          editor.services.create({ name: service.name, targets: [{ host: '127.0.0.1', port: 1 }] }),
      ],
      [
        'API',
        () => editor.apis.create({ name: api.name, basePath: '/elsewhere', serviceId: service.id }),
      ],
      ['plan', () => editor.plans.create({ name: plan.name })],
      ['consumer', () => editor.consumers.create({ name: consumer.name })],
    ];
    for (const [what, attempt] of attempts) {
      const error = await refusedWithoutWrites(attempt, 'CONFLICT');
      expect(error.message).toMatch(/^name: /);
      expect(error.message).toContain(what);
    }
  });

  it('are refused on rename too', async () => {
    const a = await fx.service();
    const b = await fx.service();
    const error = await refusedWithoutWrites(
      () => h.as('editor').services.update({ id: b.id, name: a.name }),
      'CONFLICT',
    );
    expect(error.message).toBe(`name: a service named ${a.name} already exists`);
  });

  it('that slip past the checks (a race) still become CONFLICT naming the field, from the unique index', async () => {
    const email = `${uniqueName('dup')}@example.test`;
    await h.db.user.create({
      data: { id: uniqueName('usr'), email, name: 'a', passwordHash: 'x', kind: 'developer' },
    });
    const violation = await h.db.user
      .create({
        data: { id: uniqueName('usr'), email, name: 'b', passwordHash: 'x', kind: 'developer' },
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    const mapped = mapKnownError(
      new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: violation }),
    );
    expect(mapped?.code).toBe('CONFLICT');
    expect(mapped?.message).toMatch(/^email: a user with this email already exists$/);
  });
});

describe('validation errors', () => {
  it('are BAD_REQUEST naming the field path', async () => {
    const error = await refusedWithoutWrites(
      () =>
        h
          .as('editor')
          .services.create({ name: uniqueName('svc'), targets: [{ host: '127.0.0.1', port: 0 }] }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/^targets\.0\.port: /);
  });

  it('an unknown registry type is BAD_REQUEST listing the known types', async () => {
    const error = await refusedWithoutWrites(() => {
      // Deliberately not one of the enum's members, as a hand-written HTTP request could send.
      const input = { name: uniqueName('reg'), type: 'nacos', address: 'http://127.0.0.1:8848' };
      return h
        .as('editor')
        .registries.create(input as unknown as Parameters<AppCaller['registries']['create']>[0]);
    }, 'BAD_REQUEST');
    expect(error.message).toContain('type: unknown registry type "nacos"');
    expect(error.message).toContain('consul');
  });
});

describe('link-local and metadata targets', () => {
  const spellings = [
    '169.254.169.254',
    '0xa9fea9fe',
    '2852039166',
    '[::ffff:169.254.169.254]',
    '::ffff:169.254.169.254',
    '0251.0376.0251.0376',
    '169.254.43518',
    'fe80::1',
    '[fe80::1]',
    'metadata.google.internal',
  ];
  it.each(spellings)(
    '%s is refused as a service target on create, nothing written',
    async (host) => {
      const error = await refusedWithoutWrites(
        () =>
          h
            .as('editor')
            .services.create({ name: uniqueName('svc'), targets: [{ host, port: 80 }] }),
        'BAD_REQUEST',
      );
      expect(error.message).toMatch(/^targets\.0\.host: target host .* refused$/);
    },
  );

  it('is refused on update as well, and the stored targets stay', async () => {
    const service = await fx.service();
    await refusedWithoutWrites(
      () =>
        h
          .as('editor')
          .services.update({ id: service.id, targets: [{ host: '0xa9fea9fe', port: 80 }] }),
      'BAD_REQUEST',
    );
    const row = await h.db.service.findUniqueOrThrow({ where: { id: service.id } });
    expect(row.targets).toEqual([{ host: '127.0.0.1', port: 9000, weight: 100 }]);
  });

  it('ordinary private and loopback targets are accepted', async () => {
    const created = await h.as('editor').services.create({
      name: uniqueName('svc'),
      targets: [
        { host: '10.0.0.7', port: 8080 },
        { host: '127.0.0.1', port: 9000, weight: 5 },
      ],
    });
    expect(created.targets).toEqual([
      { host: '10.0.0.7', port: 8080, weight: 100 },
      { host: '127.0.0.1', port: 9000, weight: 5 },
    ]);
  });
});

describe('consumer webhook URLs', () => {
  it.each([
    [
      'http://169.254.169.254/latest/meta-data',
      /^webhookUrl: host 169\.254\.169\.254 is a link-local/,
    ],
    ['http://metadata.google.internal/hook', /^webhookUrl: host .* is a cloud metadata host name$/],
    ['https://user:secret@hooks.example.com/x', /^webhookUrl: must not contain credentials/],
    ['ftp://hooks.example.com/x', /^webhookUrl: /],
  ])('%s is refused on create naming webhookUrl, nothing written', async (webhookUrl, message) => {
    const error = await refusedWithoutWrites(
      () => h.as('editor').consumers.create({ name: uniqueName('con'), webhookUrl }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(message);
  });

  it('is refused on update too, and the stored URL stays', async () => {
    const created = await h.as('editor').consumers.create({
      name: uniqueName('con'),
      webhookUrl: 'https://hooks.example.com/portico',
    });
    const error = await refusedWithoutWrites(
      () =>
        h
          .as('editor')
          .consumers.update({ id: created.id, webhookUrl: 'http://[fe80::1]:8080/hook' }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/^webhookUrl: host .* is an IPv6 link-local address/);
    const row = await h.db.consumer.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.webhookUrl).toBe('https://hooks.example.com/portico');
  });

  it('an ordinary https URL is stored, and null clears it', async () => {
    const created = await h.as('editor').consumers.create({
      name: uniqueName('con'),
      webhookUrl: 'https://hooks.example.com/portico',
    });
    await h.as('editor').consumers.update({ id: created.id, webhookUrl: null });
    const row = await h.db.consumer.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.webhookUrl).toBeNull();
  });
});

describe('service instance sources', () => {
  it('static targets and discovery together are refused', async () => {
    const registry = await fx.registry();
    const error = await refusedWithoutWrites(
      () =>
        h.as('editor').services.create({
          name: uniqueName('svc'),
          targets: [{ host: '127.0.0.1', port: 1 }],
          discovery: { registry: registry.name, service: 'payments' },
        }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('not both');
  });

  it('neither is refused', async () => {
    const error = await refusedWithoutWrites(
      () => h.as('editor').services.create({ name: uniqueName('svc') }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('not neither');
  });

  it('discovery through an unknown registry is refused naming the field', async () => {
    const error = await refusedWithoutWrites(
      () =>
        h.as('editor').services.create({
          name: uniqueName('svc'),
          discovery: { registry: 'nope', service: 'payments' },
        }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('discovery.registry: no registry named nope');
  });

  it('a discovered service stores the registry reference and reads back with its name', async () => {
    const registry = await fx.registry();
    const created = await h.as('editor').services.create({
      name: uniqueName('svc'),
      discovery: { registry: registry.name, service: 'payments', tags: ['prod'] },
    });
    expect(created.registryId).toBe(registry.id);
    expect(created.discovery).toEqual({
      registry: registry.name,
      service: 'payments',
      tags: ['prod'],
    });
    // A registry in use cannot be deleted.
    const error = await refusedWithoutWrites(
      () => h.as('editor').registries.delete({ id: registry.id }),
      'CONFLICT',
    );
    expect(error.message).toContain(created.name);
  });
});

describe('API base path collisions', () => {
  it('a second API on the same base path and host is refused naming both APIs', async () => {
    const service = await fx.service();
    const first = await h
      .as('editor')
      .apis.create({ name: uniqueName('orders'), basePath: '/orders', serviceId: service.id });
    const secondName = uniqueName('orders-v2');
    const error = await refusedWithoutWrites(
      () =>
        h
          .as('editor')
          .apis.create({ name: secondName, basePath: '/orders', serviceId: service.id }),
      'CONFLICT',
    );
    expect(error.message).toMatch(/^basePath: APIs /);
    expect(error.message).toContain(first.name);
    expect(error.message).toContain(secondName);
  });

  it('the same base path on disjoint hosts is fine, and moving onto a taken host is refused', async () => {
    const service = await fx.service();
    const a = await h.as('editor').apis.create({
      name: uniqueName('a'),
      basePath: '/shop',
      hosts: ['a.example.com'],
      serviceId: service.id,
    });
    const b = await h.as('editor').apis.create({
      name: uniqueName('b'),
      basePath: '/shop',
      hosts: ['b.example.com'],
      serviceId: service.id,
    });
    const error = await refusedWithoutWrites(
      () => h.as('editor').apis.update({ id: b.id, hosts: ['a.example.com'] }),
      'CONFLICT',
    );
    expect(error.message).toContain(a.name);
    expect(error.message).toContain(b.name);
  });

  it('an API pointing at a missing service is refused', async () => {
    const error = await refusedWithoutWrites(
      () =>
        h
          .as('editor')
          .apis.create({ name: uniqueName('x'), basePath: '/x-missing', serviceId: 'svc_missing' }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('serviceId: no service with id svc_missing');
  });
});

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
      () => h.as('editor').apis.importOpenApi({ apiId: api.id, document: huge }),
      'PAYLOAD_TOO_LARGE',
    );
    expect(error.message).toContain('5 MB');
  });

  it('text that is neither JSON nor YAML, or not OpenAPI, is BAD_REQUEST', async () => {
    const api = await fx.api((await fx.service()).id);
    const broken = await refusedWithoutWrites(
      () => h.as('editor').apis.importOpenApi({ apiId: api.id, document: 'openapi: [unclosed' }),
      'BAD_REQUEST',
    );
    expect(broken.message).toMatch(/^document: not valid JSON or YAML/);
    const notOpenApi = await refusedWithoutWrites(
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
      () => h.as('editor').subscriptions.approve({ id: sub.id }),
      'PRECONDITION_FAILED',
    );
    await refusedWithoutWrites(
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
      () => h.as('admin').users.invite({ email: `${uniqueName('o')}@example.test`, role: 'owner' }),
      'FORBIDDEN',
    );
    const error = await refusedWithoutWrites(
      () => h.as('owner').users.updateRole({ id: h.users.owner.id, role: 'admin' }),
      'PRECONDITION_FAILED',
    );
    expect(error.message).toContain('last owner');
  });

  it('inviting an existing email is CONFLICT naming email', async () => {
    const error = await refusedWithoutWrites(
      () => h.as('admin').users.invite({ email: h.users.viewer.email, role: 'viewer' }),
      'CONFLICT',
    );
    expect(error.message).toMatch(/^email: /);
  });
});
