import { type ConfigSnapshot, ZConfigSnapshot } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../src/config/snapshot-diff';

function snapshot(
  overrides: { connectMs?: number; targets?: number[]; apiName?: string; withPlan?: boolean } = {},
): ConfigSnapshot {
  return ZConfigSnapshot.parse({
    schemaVersion: 1,
    services: [
      {
        id: 'svc_1',
        name: 'orders',
        targets: (overrides.targets ?? [9001]).map((port) => ({ host: '127.0.0.1', port })),
        timeouts: { connectMs: overrides.connectMs ?? 2000 },
      },
    ],
    apis: [
      {
        id: 'api_1',
        name: overrides.apiName ?? 'orders-api',
        slug: 'orders',
        basePath: '/orders',
        serviceId: 'svc_1',
        auth: { type: 'key' },
      },
    ],
    plans: overrides.withPlan ? [{ id: 'pln_1', name: 'free', apiIds: ['api_1'] }] : [],
  });
}

describe('diffSnapshots', () => {
  it('reports identical snapshots as identical with empty kinds', () => {
    const diff = diffSnapshots(snapshot(), snapshot());
    expect(diff.identical).toBe(true);
    expect(diff.services).toEqual({ added: [], removed: [], changed: [] });
  });

  it('names changed leaves by dotted path, and a rename as a change of name', () => {
    const diff = diffSnapshots(snapshot(), snapshot({ connectMs: 500, apiName: 'orders-v1' }));
    expect(diff.identical).toBe(false);
    expect(diff.services.changed).toEqual([
      {
        id: 'svc_1',
        name: 'orders',
        fields: [{ path: 'timeouts.connectMs', before: 2000, after: 500 }],
      },
    ]);
    expect(diff.apis.changed).toEqual([
      {
        id: 'api_1',
        name: 'orders-v1',
        fields: [{ path: 'name', before: 'orders-api', after: 'orders-v1' }],
      },
    ]);
  });

  it('compares same-length arrays element by element and reports a length change whole', () => {
    const sameLength = diffSnapshots(snapshot({ targets: [9001] }), snapshot({ targets: [9002] }));
    expect(sameLength.services.changed[0]?.fields).toEqual([
      { path: 'targets[0].port', before: 9001, after: 9002 },
    ]);
    const longer = diffSnapshots(
      snapshot({ targets: [9001] }),
      snapshot({ targets: [9001, 9002] }),
    );
    expect(longer.services.changed[0]?.fields.map((f) => f.path)).toEqual(['targets']);
  });

  it('lists added and removed entities, and treats no snapshot as empty', () => {
    const ref = (e: { id: string; name: string }) => ({ id: e.id, name: e.name });
    expect(diffSnapshots(snapshot(), snapshot({ withPlan: true })).plans.added.map(ref)).toEqual([
      { id: 'pln_1', name: 'free' },
    ]);
    expect(diffSnapshots(snapshot({ withPlan: true }), snapshot()).plans.removed.map(ref)).toEqual([
      { id: 'pln_1', name: 'free' },
    ]);
    const first = diffSnapshots(null, snapshot());
    expect(first.services.added.map(ref)).toEqual([{ id: 'svc_1', name: 'orders' }]);
    expect(first.apis.added.map(ref)).toEqual([{ id: 'api_1', name: 'orders-api' }]);
  });

  it('gives added and removed entities their fields, so a diff shows what they hold', () => {
    const added = diffSnapshots(null, snapshot()).apis.added[0];
    expect(added?.fields).toContainEqual({ path: 'basePath', before: null, after: '/orders' });
    expect(added?.fields).toContainEqual({ path: 'auth.type', before: null, after: 'key' });
    expect(added?.fields.some((f) => f.path === 'id')).toBe(false);
    const removed = diffSnapshots(snapshot({ withPlan: true }), snapshot()).plans.removed[0];
    expect(removed?.fields).toContainEqual({ path: 'apiIds', before: ['api_1'], after: null });
  });
});
