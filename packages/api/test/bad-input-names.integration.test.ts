import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { mapKnownError } from '../src/errors/map-known-error';
import { refusedWithoutWrites } from './bad-input-harness';
import { apiHarnessForFile } from './file-harness';
import { type AppCaller, uniqueName } from './harness';

const { h, fx } = await apiHarnessForFile();

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
      const error = await refusedWithoutWrites(h, attempt, 'CONFLICT');
      expect(error.message).toMatch(/^name: /);
      expect(error.message).toContain(what);
    }
  });

  it('are refused on rename too', async () => {
    const a = await fx.service();
    const b = await fx.service();
    const error = await refusedWithoutWrites(
      h,
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
      h,
      () =>
        h
          .as('editor')
          .services.create({ name: uniqueName('svc'), targets: [{ host: '127.0.0.1', port: 0 }] }),
      'BAD_REQUEST',
    );
    expect(error.message).toMatch(/^targets\.0\.port: /);
  });

  it('an unknown registry type is BAD_REQUEST listing the known types', async () => {
    const error = await refusedWithoutWrites(
      h,
      () => {
        // Deliberately not one of the enum's members, as a hand-written HTTP request could send.
        const input = { name: uniqueName('reg'), type: 'nacos', address: 'http://127.0.0.1:8848' };
        return h
          .as('editor')
          .registries.create(input as unknown as Parameters<AppCaller['registries']['create']>[0]);
      },
      'BAD_REQUEST',
    );
    expect(error.message).toContain('type: unknown registry type "nacos"');
    expect(error.message).toContain('consul');
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
      h,
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
      h,
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
