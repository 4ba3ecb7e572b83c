import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '@portico/testkit';
import { request } from 'undici';
import { expect } from 'vitest';
import type { RegisteringUpstreamSettings } from './fixtures/registering-upstream';
import { apiOf, published, startGateway, type TestGateway } from './harness';

/** A published config carrying registries and their secrets, as the control plane sends it. */
export function publishedWithRegistries(
  version: number,
  snapshot: Record<string, unknown>,
  registrySecrets: Record<string, Record<string, string>>,
) {
  const config = published(version, snapshot);
  return { ...config, secrets: { ...config.secrets, registries: registrySecrets } };
}

export interface ChildInstance {
  id: string;
  port: number;
  registeredAt: number;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const FIXTURE = fileURLToPath(new URL('./fixtures/registering-upstream.ts', import.meta.url));

/** Starts the self-registering upstream fixture as its own process; resolves once registered. */
export async function startRegisteringUpstream(
  settings: RegisteringUpstreamSettings,
): Promise<ChildInstance> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('upstream fixture did not start')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        resolve(buffered.slice(0, newline));
      }
    });
    child.once('exit', (code) => reject(new Error(`upstream fixture exited with ${code}`)));
  });
  const parsed = JSON.parse(line) as { instanceId: string; port: number; registeredAt: number };
  return {
    id: parsed.instanceId,
    port: parsed.port,
    registeredAt: parsed.registeredAt,
    child,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

export interface Sample {
  sentAt: number;
  doneAt: number;
  status: number;
  instance: string | null;
  error: string | null;
}

/**
 * Sends GETs at a steady rate (one every `intervalMs`, at most `count`), without waiting for
 * answers before sending the next, and records every outcome.
 */
export function steadyClient(url: string, intervalMs: number, count: number) {
  const samples: Sample[] = [];
  let sent = 0;
  let pending = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const fire = async () => {
    const sentAt = Date.now();
    pending++;
    try {
      const res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
      const text = await res.body.text();
      let instance: string | null = null;
      try {
        instance = (JSON.parse(text) as { instance?: string }).instance ?? null;
      } catch {}
      samples.push({ sentAt, doneAt: Date.now(), status: res.statusCode, instance, error: null });
    } catch (error) {
      samples.push({ sentAt, doneAt: Date.now(), status: 0, instance: null, error: String(error) });
    } finally {
      pending--;
      if (sent >= count && pending === 0) resolveDone();
    }
  };
  const timer = setInterval(() => {
    if (sent >= count) {
      clearInterval(timer);
      return;
    }
    sent++;
    void fire();
  }, intervalMs);
  return { samples, done };
}

/** The gateway's /status view of one service. */
export async function serviceStatus(statusUrl: string, serviceId: string) {
  const res = await request(`${statusUrl}/status`);
  const body = (await res.body.json()) as {
    services: Array<{
      id: string;
      instances: Array<{ id: string; port: number; state: string; reason: string | null }>;
      discovery?: { status: string } | null;
    }>;
  };
  return body.services.find((s) => s.id === serviceId) ?? null;
}

/** An upstream process that does not register itself (another registry announces it). */
export function startPlainUpstream(instanceId: string): Promise<ChildInstance> {
  return startRegisteringUpstream({
    controlUrl: 'http://127.0.0.1:9',
    token: '',
    service: 'unused',
    instanceId,
    ttlSeconds: 3,
    register: false,
  });
}

export interface ScenarioResult {
  requests: number;
  failed: Sample[];
  outAfterMs: number;
  trafficAfterMs: number;
  servedByVictimAfterKill: number;
}

/**
 * The kill/start scenario against any registry: 50 req/s for 8 s through the gateway;
 * after 1.5 s the victim is SIGKILLed (time until /status shows it out of rotation is
 * measured), then `announceFresh` starts and announces a new instance (time from its
 * announcement to the first response it serves is measured).
 */
export async function killAndStartScenario(options: {
  gatewayUrl: string;
  statusUrl: string;
  serviceId: string;
  victim: ChildInstance;
  announceFresh: () => Promise<{ instanceId: string; announcedAt: number }>;
}): Promise<ScenarioResult> {
  const client = steadyClient(`${options.gatewayUrl}/orders/items`, 20, 400);
  await eventually(() => client.samples.length >= 75, 10_000, 'steady traffic');
  const killedAt = Date.now();
  await options.victim.kill('SIGKILL');
  let outAfterMs = -1;
  await eventually(
    async () => {
      const status = await serviceStatus(options.statusUrl, options.serviceId);
      const entry = status?.instances.find((i) => i.port === options.victim.port);
      if (entry === undefined || entry.state !== 'healthy') {
        outAfterMs = Date.now() - killedAt;
        return true;
      }
      return false;
    },
    5_000,
    'killed instance out of rotation',
  );
  const fresh = await options.announceFresh();
  await eventually(
    () => client.samples.some((s) => s.instance === fresh.instanceId),
    5_000,
    'new instance receives traffic',
  );
  const firstServed = Math.min(
    ...client.samples.filter((s) => s.instance === fresh.instanceId).map((s) => s.doneAt),
  );
  await client.done;
  return {
    requests: client.samples.length,
    failed: client.samples.filter((s) => s.status !== 200),
    outAfterMs,
    trafficAfterMs: firstServed - fresh.announcedAt,
    servedByVictimAfterKill: client.samples.filter(
      (s) => s.instance === options.victim.id && s.sentAt > killedAt,
    ).length,
  };
}

/**
 * A gateway fed version 1 whose one service takes its instances from `registry` (a snapshot
 * registry entry; `secrets` its credentials), as `registeredAs` is known there, behind one API;
 * returned once `instances` instances are in its /status.
 */
export async function startGatewayFollowing(options: {
  registry: { id: string; name: string } & Record<string, unknown>;
  secrets?: Record<string, string>;
  service: { id: string } & Record<string, unknown>;
  registeredAs: string;
  api: { id: string; basePath: string };
  instances: number;
}): Promise<TestGateway> {
  const { registry, service } = options;
  const gw = await startGateway();
  const config = publishedWithRegistries(
    1,
    {
      registries: [registry],
      services: [
        {
          ...service,
          discovery: {
            registry: registry.name,
            registryId: registry.id,
            service: options.registeredAs,
          },
        },
      ],
      apis: [apiOf(options.api.id, options.api.basePath, service.id)],
    },
    options.secrets === undefined ? {} : { [registry.id]: options.secrets },
  );
  try {
    expect(await gw.feed(config)).toBe(true);
    await eventually(
      async () =>
        (await serviceStatus(gw.statusUrl, service.id))?.instances.length === options.instances,
      10_000,
      `${options.instances} instances discovered`,
    );
    return gw;
  } catch (error) {
    await gw.close();
    throw error;
  }
}

/** The built-in registry of a control plane at `controlUrl`, as a snapshot registry entry. */
export function builtinRegistry(controlUrl: string) {
  return {
    id: 'reg_builtin',
    name: 'builtin',
    type: 'builtin',
    address: controlUrl,
    options: { waitSeconds: 5 },
    hasCredentials: true,
  };
}
