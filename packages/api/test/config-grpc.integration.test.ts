import { readFileSync } from 'node:fs';
import { ZServiceSettings } from '@portico/config';
import { compileProtoSet, descriptorSetOf } from '@portico/grpc-schema';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { updateService } from '../src/services/services/services';
import { countRows, refusedApply } from './config-harness';
import { configHarnessForFile } from './file-harness';
import { domainErrorOf, trpcErrorOf } from './harness';

const GREETER = `syntax = "proto3";
package hello.v1;
message HelloRequest { string name = 1; }
message HelloReply { string message = 1; }
service Greeter { rpc SayHello(HelloRequest) returns (HelloReply); }
`;

function documentWith(protoFiles: Record<string, string>) {
  return {
    services: [
      { name: 'greeter', protocol: 'grpc', grpc: { protoFiles }, targets: ['10.0.0.5:50051'] },
    ],
    apis: [
      { name: 'greeter-api', basePath: '/greeter', service: 'greeter', auth: { type: 'none' } },
    ],
  };
}

function greeterDescriptorSet(): string {
  const set = compileProtoSet({ 'hello.proto': GREETER });
  if (!set.ok) throw new Error(set.message);
  return descriptorSetOf(set.root);
}

function documentWithDescriptorSet(descriptorSet: string, extra: Record<string, unknown> = {}) {
  const document = documentWith({});
  const [service] = document.services;
  return {
    ...document,
    services: [{ ...service, grpc: { descriptorSet, ...extra } }],
  };
}

const h = await configHarnessForFile();

describe('gRPC services in the declarative config', () => {
  it('refuses a proto that does not compile with the compiler message, and writes nothing', async () => {
    const bad = documentWith({
      'hello.proto': 'syntax = "proto3";\nmessage HelloRequest { strin name = 1 }\n',
    });
    const error = await refusedApply(
      h,
      { document: toYaml(bad) },
      { code: 'BAD_REQUEST', message: 'services[0].grpc.protoFiles: service greeter:' },
    );
    expect(error.message).toMatch(/illegal .*line 2/);
    expect(await h.db.configVersion.count()).toBe(0);
  });

  it('refuses protocol: grpc without proto files, and an import that is not uploaded', async () => {
    const none = await trpcErrorOf(
      h.as('editor').config.applyDocument({ document: documentWith({}) }),
    );
    expect(none.message).toContain(
      'grpc.protoFiles: service greeter speaks gRPC and needs its proto files',
    );
    const missing = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: documentWith({
          'a.proto': `syntax = "proto3";\nimport "common/money.proto";\n${GREETER.slice(19)}`,
        }),
      }),
    );
    expect(missing.message).toContain(
      'imports common/money.proto, which is neither among the uploaded proto files nor a well-known type',
    );
  });

  it('stores the proto files with the service and publishes them in the version', async () => {
    const result = await h
      .as('editor')
      .config.applyDocument({ document: toYaml(documentWith({ 'hello.proto': GREETER })) });
    expect(result.published?.number).toBe(1);
    const version = await h.as('viewer').config.get({ number: 1 });
    expect(version.snapshot.services[0]).toMatchObject({
      name: 'greeter',
      protocol: 'grpc',
      grpc: { protoFiles: { 'hello.proto': GREETER } },
    });
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.services[0]).toMatchObject({
      protocol: 'grpc',
      grpc: { protoFiles: { 'hello.proto': GREETER } },
    });
  });

  it('stores a descriptor set with the service and publishes it in the version', async () => {
    const descriptorSet = greeterDescriptorSet();
    const result = await h.as('editor').config.applyDocument({
      document: toYaml(documentWithDescriptorSet(descriptorSet)),
    });
    expect(result.published).not.toBeNull();
    const version = await h.as('viewer').config.get({ number: result.published?.number ?? 0 });
    expect(version.snapshot.services[0]?.grpc).toEqual({ descriptorSet });
    const dumped = await h.as('viewer').config.dump();
    expect(dumped.services[0]?.grpc).toEqual({ descriptorSet });
  });

  it('refuses a corrupt descriptor set, or one given with proto files, and writes nothing', async () => {
    const before = await countRows(h.db);
    const versions = await h.db.configVersion.count();
    const corrupt = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: toYaml(
          documentWithDescriptorSet(Buffer.from('this is not a descriptor').toString('base64')),
        ),
      }),
    );
    expect(corrupt.code).toBe('BAD_REQUEST');
    expect(corrupt.message).toContain(
      'services[0].grpc.descriptorSet: service greeter: the descriptor set is not a FileDescriptorSet',
    );
    const notBase64 = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: toYaml(documentWithDescriptorSet('%%%')),
      }),
    );
    expect(notBase64.message).toContain('must be base64 text');
    const both = await trpcErrorOf(
      h.as('editor').config.applyDocument({
        document: toYaml(
          documentWithDescriptorSet(greeterDescriptorSet(), {
            protoFiles: { 'hello.proto': GREETER },
          }),
        ),
      }),
    );
    expect(both.message).toContain(
      'services[0].grpc.descriptorSet: service greeter: give either proto files or a descriptor set, not both',
    );
    expect(await countRows(h.db)).toEqual(before);
    expect(await h.db.configVersion.count()).toBe(versions);
  });

  it('accepts grpc.reflection: true without a schema, and refuses it with one', async () => {
    const document = documentWith({});
    const [service] = document.services;
    const reflected = { ...document, services: [{ ...service, grpc: { reflection: true } }] };
    const result = await h.as('editor').config.applyDocument({ document: toYaml(reflected) });
    const version = await h.as('viewer').config.get({ number: result.published?.number ?? 0 });
    expect(version.snapshot.services[0]?.grpc).toEqual({ reflection: true });
    const both = {
      ...document,
      services: [
        { ...service, grpc: { reflection: true, protoFiles: { 'hello.proto': GREETER } } },
      ],
    };
    const error = await trpcErrorOf(
      h.as('editor').config.applyDocument({ document: toYaml(both) }),
    );
    expect(error.message).toContain(
      'services[0].grpc.reflection: service greeter: give reflection: true or a schema (protoFiles, descriptorSet), not both',
    );
  });

  it('refuses a service update with a bad proto and keeps the stored one', async () => {
    const service = await h.db.service.findUniqueOrThrow({ where: { name: 'greeter' } });
    // The same service function the services.update procedure calls.
    const error = await domainErrorOf(
      h.db.$transaction((tx) =>
        updateService(tx, {
          id: service.id,
          settings: ZServiceSettings.parse({
            protocol: 'grpc',
            grpc: { protoFiles: { 'hello.proto': 'service {' } },
          }),
        }),
      ),
    );
    expect(error.code).toBe('CTL_INVALID_INPUT');
    expect(error.message).toContain('grpc.protoFiles: service greeter:');
    const after = await h.db.service.findUniqueOrThrow({ where: { name: 'greeter' } });
    expect(after.settings).toEqual(service.settings);
  });

  it('applies the docs/grpc.md and docs/aggregation.md examples as written, and refuses the documented mistake', async () => {
    const example = (file: string) => {
      const text = readFileSync(new URL(`../../../docs/${file}`, import.meta.url), 'utf8');
      const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
      if (block === undefined) throw new Error(`${file} has no yaml example`);
      return { text, block };
    };
    const grpc = example('grpc.md');
    const broken = grpc.block.replace('int64 id = 1;', 'int64 id = ;');
    const error = await trpcErrorOf(h.as('editor').config.applyDocument({ document: broken }));
    const documented = /```\n(document is not a valid Portico config: .*)\n```/.exec(
      grpc.text,
    )?.[1];
    expect(documented).toBeDefined();
    expect(error.message).toBe(documented);
    const applied = await h.as('editor').config.applyDocument({ document: grpc.block });
    expect(applied.changes).toEqual(
      expect.arrayContaining([{ kind: 'service', name: 'shop', action: 'create' }]),
    );
    const aggregation = await h
      .as('editor')
      .config.applyDocument({ document: example('aggregation.md').block });
    const version = await h.as('viewer').config.get({ number: aggregation.published?.number ?? 0 });
    const routes = version.snapshot.apis.find((a) => a.name === 'storefront')?.routes ?? [];
    expect(routes.map((r) => [r.name, r.aggregate?.mode, r.aggregate?.calls.length])).toEqual([
      ['profile', 'parallel', 3],
      ['order-with-customer', 'sequential', 2],
    ]);
  });
});
