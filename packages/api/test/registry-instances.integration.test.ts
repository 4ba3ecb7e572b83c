import { describe, expect, it } from 'vitest';
import type { RegistryInstance, RegistryProbe } from '../src/services/registries/registry-probe';
import { createConsulAsEditor } from './editor-calls';
import { apiHarnessForFile } from './file-harness';
import { expectTrpcError } from './harness';

const { h } = await apiHarnessForFile();

const instance = (address: string, port: number, metadata: Record<string, string> = {}) =>
  ({
    id: `${address}:${port}`,
    address,
    port,
    weight: 1,
    metadata,
    zone: null,
  }) satisfies RegistryInstance;

/** An in-process registry double: a map of service name to its current instances. */
function registryDouble(instances: Map<string, RegistryInstance[]>) {
  const calls: unknown[] = [];
  const probe: RegistryProbe = Object.assign(async () => ({ services: [...instances.keys()] }), {
    listInstances: async (
      registry: Parameters<RegistryProbe>[0],
      secrets: Record<string, string>,
      service: string,
    ) => {
      calls.push({ registryId: registry.id, secrets, service });
      const found = instances.get(service);
      if (!found) throw new Error(`service ${service} is not registered`);
      return found;
    },
  });
  return { probe, calls };
}

describe('registries.instances', () => {
  it("lists a service's instances live for a viewer, with the opened credentials", async () => {
    const created = await createConsulAsEditor(h, { credentials: { token: 'acl-token' } });
    const state = new Map([
      ['orders', [instance('127.0.0.2', 9001, { version: 'v2' }), instance('127.0.0.1', 9000)]],
    ]);
    const { probe, calls } = registryDouble(state);
    const viewer = h.as('viewer', { probeRegistry: probe });

    const first = await viewer.registries.instances({ id: created.id, service: 'orders' });
    expect(first.error).toBeNull();
    expect(first.instances.map((i) => [i.address, i.port, i.metadata])).toEqual([
      ['127.0.0.1', 9000, {}],
      ['127.0.0.2', 9001, { version: 'v2' }],
    ]);
    expect(calls).toEqual([
      { registryId: created.id, secrets: { token: 'acl-token' }, service: 'orders' },
    ]);

    // A new instance registers: the next read shows it (no caching between calls).
    state.set('orders', [...(state.get('orders') ?? []), instance('127.0.0.3', 9002)]);
    const second = await viewer.registries.instances({ id: created.id, service: 'orders' });
    expect(second.instances.map((i) => i.address)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  });

  it('reports a failing registry as a result with the reason, not an error', async () => {
    const created = await createConsulAsEditor(h);
    const { probe } = registryDouble(new Map());
    const result = await h
      .as('viewer', { probeRegistry: probe })
      .registries.instances({ id: created.id, service: 'missing' });
    expect(result).toMatchObject({
      service: 'missing',
      instances: [],
      error: 'service missing is not registered',
    });
  });

  it('refuses without an instance-listing probe, an unknown registry, an empty service name and developers', async () => {
    const created = await createConsulAsEditor(h);
    const servicesOnly: RegistryProbe = async () => ({ services: [] });
    const precondition = await expectTrpcError(
      h
        .as('viewer', { probeRegistry: servicesOnly })
        .registries.instances({ id: created.id, service: 'orders' }),
      'PRECONDITION_FAILED',
    );
    expect(precondition.message).toMatch(/cannot list instances/);

    const { probe } = registryDouble(new Map());
    await expectTrpcError(
      h
        .as('viewer', { probeRegistry: probe })
        .registries.instances({ id: 'reg_doesnotexist0000000000', service: 'orders' }),
      'NOT_FOUND',
    );
    const empty = await expectTrpcError(
      h
        .as('viewer', { probeRegistry: probe })
        .registries.instances({ id: created.id, service: '  ' }),
      'BAD_REQUEST',
    );
    expect(empty.message).toMatch(/service/);
    await expectTrpcError(
      h
        .as('developer', { probeRegistry: probe })
        .registries.instances({ id: created.id, service: 'orders' }),
      'FORBIDDEN',
    );
  });
});
