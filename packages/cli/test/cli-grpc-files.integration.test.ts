import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileProtoSet, descriptorSetOf } from '@portico/grpc-schema';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './cli-fixture';

/**
 * gRPC schemas read from disk by the real CLI (proto files and a protoc descriptor set next to
 * the YAML file) and applied to a real control plane, which compiles them; the docs/grpc.md
 * example is applied as written.
 */
const cli = useCliFixture();

const MESSAGES = `syntax = "proto3";
package hello.v1;
message HelloRequest { string name = 1; }
message HelloReply { string message = 1; }
`;
const GREETER = `syntax = "proto3";
package hello.v1;
import "hello/v1/messages.proto";
service Greeter { rpc SayHello(HelloRequest) returns (HelloReply); }
`;
const INVENTORY = `syntax = "proto3";
package inventory.v1;
import "google/api/annotations.proto";
import "google/protobuf/timestamp.proto";
message StockRequest { string sku = 1; }
message Stock { string sku = 1; int64 count = 2; google.protobuf.Timestamp counted_at = 3; }
service Inventory {
  rpc GetStock(StockRequest) returns (Stock) {
    option (google.api.http) = { get: "/v1/stock/{sku}" };
  }
}
`;

function inventorySet(): Buffer {
  const set = compileProtoSet({ 'inventory/v1/inventory.proto': INVENTORY });
  if (!set.ok) throw new Error(set.message);
  return Buffer.from(descriptorSetOf(set.root), 'base64');
}

/** The third YAML block of docs/grpc.md: the one with files on disk. */
async function docsExample(): Promise<string> {
  const text = await readFile(new URL('../../../docs/grpc.md', import.meta.url), 'utf8');
  const block = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)][2]?.[1];
  if (block === undefined || !block.includes('descriptorSetFile'))
    throw new Error('docs/grpc.md lost its files-on-disk example');
  return block;
}

async function writeSchemaFiles(dir: string): Promise<void> {
  await mkdir(join(dir, 'protos/hello/v1'), { recursive: true });
  await writeFile(join(dir, 'protos/hello/v1/messages.proto'), MESSAGES);
  await writeFile(join(dir, 'protos/hello/v1/greeter.proto'), GREETER);
  await writeFile(join(dir, 'inventory.pb'), inventorySet());
}

describe('portico apply with gRPC schema files on disk', () => {
  it('stops before contacting anyone when a referenced file is missing, naming the line', async () => {
    await mkdir(join(cli.workDir, 'missing'), { recursive: true });
    const file = await cli.writeWorkFile('missing/grpc.yaml', await docsExample());
    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /missing\/grpc\.yaml:8:\d+: services\[0\]\.grpc\.protoFiles\.hello\/v1\/greeter\.proto\.path: cannot read \.\/protos\/hello\/v1\/greeter\.proto: ENOENT/,
    );
    expect(run.stderr).toMatch(
      /services\[1\]\.grpc\.descriptorSetFile: cannot read \.\/inventory\.pb: ENOENT/,
    );
    expect(await cli.versionCount()).toBe(0);
  });

  it('applies the docs/grpc.md example as written, with the files inlined and compiled', async () => {
    await mkdir(join(cli.workDir, 'docs-example'), { recursive: true });
    await writeSchemaFiles(join(cli.workDir, 'docs-example'));
    const file = await cli.writeWorkFile('docs-example/grpc.yaml', await docsExample());
    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^create\s+service\s+greeter$/m);
    expect(run.stdout).toMatch(/^create\s+service\s+inventory$/m);
    const version = await cli.control.db.configVersion.findFirstOrThrow({
      orderBy: { number: 'desc' },
    });
    const services = (version.snapshot as { services: { name: string; grpc?: object }[] }).services;
    expect(services.find((s) => s.name === 'greeter')?.grpc).toEqual({
      protoFiles: { 'hello/v1/greeter.proto': GREETER, 'hello/v1/messages.proto': MESSAGES },
    });
    expect(services.find((s) => s.name === 'inventory')?.grpc).toEqual({
      descriptorSet: inventorySet().toString('base64'),
    });
    // Applying the same files again changes nothing.
    const again = await cli.portico(['apply', '-f', file]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toBe('no changes\n');
  });

  it('refuses a corrupt descriptor set with the control plane message, and writes nothing', async () => {
    await mkdir(join(cli.workDir, 'corrupt'), { recursive: true });
    await writeSchemaFiles(join(cli.workDir, 'corrupt'));
    await writeFile(join(cli.workDir, 'corrupt/inventory.pb'), 'definitely not protobuf');
    const versions = await cli.versionCount();
    const stored = await cli.control.db.service.findUniqueOrThrow({ where: { name: 'inventory' } });
    const file = await cli.writeWorkFile('corrupt/grpc.yaml', await docsExample());
    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain(
      'services[1].grpc.descriptorSet: service inventory: the descriptor set is not a FileDescriptorSet',
    );
    expect(await cli.versionCount()).toBe(versions);
    const after = await cli.control.db.service.findUniqueOrThrow({ where: { name: 'inventory' } });
    expect(after.settings).toEqual(stored.settings);
  });

  it('refuses an entry that is neither source text nor { path }', async () => {
    const file = await cli.writeWorkFile(
      'odd.yaml',
      `services:
  - name: odd
    protocol: grpc
    targets: ["127.0.0.1:50063"]
    grpc:
      protoFiles:
        odd.proto: { file: ./odd.proto }
`,
    );
    const run = await cli.portico(['apply', '-f', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      'odd.yaml:7:20: services[0].grpc.protoFiles.odd.proto: give the file as its source text or as { path: ./file.proto }',
    );
  });
});
