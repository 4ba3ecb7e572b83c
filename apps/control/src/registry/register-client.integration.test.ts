import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { eventually } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryHarness, startRegistryHarness } from './registry-test-harness';

let h: RegistryHarness;
const children: ChildProcess[] = [];
const fixture = fileURLToPath(new URL('./fixtures/registering-service.ts', import.meta.url));

beforeAll(async () => {
  h = await startRegistryHarness({ sweepIntervalMs: 200 });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await h?.close();
});

/** Starts the fixture service as a real child process and waits for its first registration. */
async function startService(service: string, ttlSeconds: number, ownShutdown = false) {
  const settings = {
    controlUrl: h.url,
    token: h.tokens.register,
    service,
    ttlSeconds,
    ownShutdown,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const info = JSON.parse(line.toString().trim().split('\n')[0] ?? '{}') as {
    instanceId: string;
    port: number;
  };
  return { child, ...info };
}

async function instances(
  service: string,
): Promise<Array<{ id: string; port: number; expiresAt: number }>> {
  const res = await fetch(`${h.url}/registry/v1/services/${service}`, {
    headers: { authorization: `Bearer ${h.tokens.read}` },
  });
  return (
    (await res.json()) as { instances: Array<{ id: string; port: number; expiresAt: number }> }
  ).instances;
}

describe('@portico/register in a real child process', () => {
  it('appears in the registry, stays beyond its TTL by heartbeating, and SIGTERM deregisters it and ends the process', async () => {
    const service = `reg-${Date.now().toString(36)}`;
    const ttlSeconds = 2;
    const { child, instanceId, port } = await startService(service, ttlSeconds);
    const first = await instances(service);
    expect(first).toMatchObject([{ id: instanceId, port }]);
    const firstExpiry = first[0]?.expiresAt ?? 0;

    // Two full TTLs later the instance is still there, with an expiry pushed forward by heartbeats.
    const waitUntil = Date.now() + ttlSeconds * 2000 + 500;
    while (Date.now() < waitUntil) {
      expect((await instances(service)).map((i) => i.id)).toEqual([instanceId]);
      await new Promise((r) => setTimeout(r, 250));
    }
    const later = await instances(service);
    expect(later[0]?.expiresAt ?? 0).toBeGreaterThan(firstExpiry + ttlSeconds * 1000);

    const exited = once(child, 'exit');
    const killedAt = Date.now();
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    // With no handler of its own the process ends by the signal, as it would without the client.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await instances(service)).toEqual([]);
    expect(Date.now() - killedAt).toBeLessThan(ttlSeconds * 1000);
  });

  it('an instance killed with SIGKILL stays until its TTL passes, then disappears', async () => {
    const service = `kill-${Date.now().toString(36)}`;
    const ttlSeconds = 2;
    const { child, instanceId } = await startService(service, ttlSeconds);
    expect((await instances(service)).map((i) => i.id)).toEqual([instanceId]);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    expect((await instances(service)).map((i) => i.id)).toEqual([instanceId]);
    await eventually(
      async () => (await instances(service)).length === 0,
      ttlSeconds * 1000 + 3000,
      'expiry after SIGKILL',
    );
    const goneAfterMs = Date.now() - killedAt;
    // Its last heartbeat was at most a third of the TTL before the kill.
    expect(goneAfterMs).toBeGreaterThan((ttlSeconds * 1000 * 2) / 3 - 100);
  });

  it("with the application's own SIGTERM handler, the instance is deregistered and the app exits its own way", async () => {
    const service = `own-${Date.now().toString(36)}`;
    const { child, instanceId } = await startService(service, 10, true);
    expect((await instances(service)).map((i) => i.id)).toEqual([instanceId]);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(await instances(service)).toEqual([]);
  });
});
