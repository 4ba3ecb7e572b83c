import { describe, expect, it } from 'vitest';
import { refusedWithoutWrites } from './bad-input-harness';
import { apiHarnessForFile } from './file-harness';
import { uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

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
        h,
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
      h,
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

describe('service instance sources', () => {
  it('static targets and discovery together are refused', async () => {
    const registry = await fx.registry();
    const error = await refusedWithoutWrites(
      h,
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
      h,
      () => h.as('editor').services.create({ name: uniqueName('svc') }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('not neither');
  });

  it('discovery through an unknown registry is refused naming the field', async () => {
    const error = await refusedWithoutWrites(
      h,
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
      h,
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
      h,
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
      h,
      () => h.as('editor').apis.update({ id: b.id, hosts: ['a.example.com'] }),
      'CONFLICT',
    );
    expect(error.message).toContain(a.name);
    expect(error.message).toContain(b.name);
  });

  it('an API pointing at a missing service is refused', async () => {
    const error = await refusedWithoutWrites(
      h,
      () =>
        h
          .as('editor')
          .apis.create({ name: uniqueName('x'), basePath: '/x-missing', serviceId: 'svc_missing' }),
      'BAD_REQUEST',
    );
    expect(error.message).toBe('serviceId: no service with id svc_missing');
  });
});
