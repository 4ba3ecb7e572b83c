import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./fixtures/loaded-libraries-probe.ts', import.meta.url));

/** The registry client packages a fresh process loaded after building adapters of `kinds`. */
async function clientPackagesLoadedFor(kinds: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE, ...kinds], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('registry client libraries load only for a registry of their kind', () => {
  it('a process with builtin, Consul, Eureka, Kubernetes and DNS registries loads neither etcd3 nor the ZooKeeper client', async () => {
    expect(
      await clientPackagesLoadedFor(['builtin', 'consul', 'eureka', 'kubernetes', 'dns']),
    ).toEqual([]);
  });

  it('an etcd registry loads etcd3 (and its back-off library), not the ZooKeeper client', async () => {
    expect(await clientPackagesLoadedFor(['builtin', 'etcd'])).toEqual(['etcd3', 'cockatiel']);
  });

  it('a ZooKeeper registry loads the ZooKeeper client, not etcd3', async () => {
    expect(await clientPackagesLoadedFor(['zookeeper'])).toEqual(['node-zookeeper-client']);
  });
});
